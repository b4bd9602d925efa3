import t from 'tap';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { GENESIS_HASH, chainHash, checkpointSigningInput } from '../../src/audit/chain.js';

t.test('canonical JSON: sorted keys at every depth, no whitespace, undefined dropped', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [{ z: null, y: 'é"\n' }, true], c: undefined, d: -0.5e-7 }), '{"a":[{"y":"é\\"\\n","z":null},true],"b":1,"d":-5e-8}');
  t.equal(canonicalJson([undefined, 1]), '[null,1]');
  t.throws(() => canonicalJson({ s: Number.NaN }), { message: 'canonical JSON: $.s is NaN, which JSON cannot carry' });
  t.throws(() => canonicalJson({ d: new Date(0) }), { message: 'canonical JSON: $.d is not a plain object' });
  t.throws(() => canonicalJson({ f: () => 1 }), { message: 'canonical JSON: $.f is a function, which JSON cannot carry' });
});

// The vector printed in docs/store-and-audit.md; `printf '%s%s' $PREV "$JSON" | sha256sum` gives the same.
const VECTOR_JSON = '{"at":1767225600000,"checks":[{"name":"face-match","outcome":"pass","score":0.8125,"threshold":0.6}],'
  + '"clientRequestId":null,"decision":"verified","evidenceSha256":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],'
  + '"flow":"returning","oid":"o","profileId":"p-1","seq":1,"sessionId":"s-1","tid":"t","upn":"ada@example.test"}';
const VECTOR_HASH = '81189b46f9bcdeb422eecd5bf624b7dbad0d9b76c3bd299a73d152475f9dd848';

t.test('chain hash known-answer vector', async (t) => {
  const body = {
    seq: 1, at: 1767225600000, sessionId: 's-1', tid: 't', oid: 'o', upn: 'ada@example.test', profileId: 'p-1', flow: 'returning' as const,
    checks: [{ name: 'face-match', score: 0.8125, threshold: 0.6, outcome: 'pass' as const }], decision: 'verified' as const,
    clientRequestId: null, evidenceSha256: ['a'.repeat(64)],
  };
  t.equal(canonicalJson(body), VECTOR_JSON);
  t.equal(chainHash(GENESIS_HASH, body), VECTOR_HASH);
  t.equal(createHash('sha256').update(GENESIS_HASH + VECTOR_JSON).digest('hex'), VECTOR_HASH, 'plain concatenation of the two strings');
  t.same(checkpointSigningInput(7, VECTOR_HASH), Buffer.from(`7.${VECTOR_HASH}`));
});
