// The real seams: evidence data key wrapped by a SoftHSM AES key, checkpoints signed by a SoftHSM RSA
// key through PKCS#11, then the trail verified with the token's published public keys.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { openAuditMacKeys, openDataKeyWrapper, openHsmToken, openKeyRing } from '../../src/hsm/open-hsm.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { auditVerifyCommand } from '../../src/cli/commands/audit.js';
import { EvidenceCipher } from '../../src/store/evidence-cipher.js';
import { openConfiguredRepository } from '../../src/store/open-store.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';
import { auditEntryFixture, sessionFixture } from '../helpers/store-fixtures.js';

const dataDir = embeddedTokenDataDir(t, 'proofgate-store-hsm-');
const config = buildConfig({ server: { dataDir }, hsm: { tokenLabel: 'store-audit-test' }, audit: { checkpointEvery: 2 } });

t.test('evidence and checkpoints through SoftHSM over PKCS#11', async (t) => {
  await initHsm(config.hsm, dataDir);
  const token = openHsmToken(config.hsm, dataDir);
  t.teardown(() => token.close());
  const ring = openKeyRing(token, config.hsm);
  const wrapper = await openDataKeyWrapper(token, config.hsm);
  const repo = openConfiguredRepository(config);
  t.teardown(() => repo.close());

  repo.createSession(sessionFixture('s1'));
  const cipher = new EvidenceCipher(repo, wrapper);
  await cipher.ready();
  t.equal(repo.getDataKey()?.wrappingKeyId, wrapper.wrappingKeyId);
  const selfie = Buffer.from('selfie bytes standing in for a JPEG');
  const stored = await cipher.storeEvidence('s1', 'selfie', 'image/jpeg', selfie);
  t.same((await new EvidenceCipher(repo, wrapper).readEvidence(stored.evidenceId)).bytes, selfie, 'a second cipher unwraps through the HSM');

  const errors: unknown[] = [];
  const macKeys = await openAuditMacKeys(token, config.hsm);
  const trail = new AuditTrail(repo, ring, config.audit, { onCheckpointError: (e) => errors.push(e), macKeys });
  await trail.prepare();
  for (let i = 1; i <= 5; i += 1) trail.record(auditEntryFixture(i, { evidenceSha256: [stored.sha256] }));
  await trail.flush();
  t.same(errors, []);
  const active = await ring.active();
  t.same(repo.auditCheckpoints().map((c) => [c.seq, c.kid]), [[2, active.kid], [4, active.kid]]);

  const trusted = (await ring.published()).map((k) => k.jwk());
  t.match(verifyAuditChain(repo, trusted), { ok: true, records: 5, sealedThrough: 4, unsealedTail: 1 });
  t.match(await verifyAuditChain(repo, trusted, { macKeys }), { ok: true, records: 5, macs: { checked: 5, preMac: 0 } }, 'every MAC verifies under the HSM key');
  const lines: string[] = [];
  t.equal(await auditVerifyCommand(config, [], { trustedKeys: trusted, io: { out: (l) => lines.push(l), err: (l) => lines.push(l) } }), 0);
  t.match(lines.join('\n'), 'result: OK');
});
