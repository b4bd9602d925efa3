// The one-time secrets' primitives (src/core/secrets.ts): every link, token, session and CSRF check uses them.
import t from 'tap';
import { createHash } from 'node:crypto';
import { newSecret, sameSecret, SECRET_SHAPE, sha256Hex } from '../../src/core/secrets.js';

t.test('fresh secrets have the checked shape and do not repeat', async (t) => {
  const seen = new Set(Array.from({ length: 200 }, newSecret));
  t.equal(seen.size, 200);
  t.ok([...seen].every((s) => SECRET_SHAPE.test(s)));
});

t.test('sha256Hex of text and of bytes', async (t) => {
  t.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(sha256Hex(Buffer.from('abc')), sha256Hex('abc'));
  t.equal(sha256Hex('é'), createHash('sha256').update('é', 'utf8').digest('hex'), 'text as UTF-8');
});

t.test('sameSecret: equal only when equal, false (never a throw) for anything else', async (t) => {
  const s = newSecret();
  t.ok(sameSecret(s, s));
  t.notOk(sameSecret(`${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`, s), 'one character off');
  t.notOk(sameSecret(s.slice(1), s), 'shorter');
  t.notOk(sameSecret('é'.repeat(43), 'a'.repeat(43)), 'same length in characters, not in bytes: a mismatch, not a RangeError');
  for (const odd of [undefined, null, 42, [s], { s }]) t.notOk(sameSecret(odd, s), `not a string: ${JSON.stringify(odd)}`);
  t.notOk(sameSecret(s, null), 'nothing expected: nothing matches');
});
