import t from 'tap';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { verifyActiveAuthentication } from '../../src/documents/emrtd/index.js';
import { toExplicitSpki } from '../../src/documents/emrtd/public-key.js';
import { dg15, ecdsaPlainSign, iso9796Sign } from '../helpers/documents/chip.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const rsaDg15 = dg15(rsa.publicKey.export({ type: 'spki', format: 'der' }));
const challenge = Buffer.from('0123456789abcdef', 'hex');

t.test('RSA chip: ISO 9796-2 partial recovery, SHA-1 and SHA-256 trailers, n - s form', async (t) => {
  const r = verifyActiveAuthentication({ dg15: rsaDg15, challenge, response: iso9796Sign(rsa.privateKey, challenge) });
  t.same(r, { outcome: 'pass', reason: 'chip signed the challenge (rsa-iso9796-2-sha1, 1024-bit key)', algorithm: 'rsa-iso9796-2-sha1' });
  t.equal(verifyActiveAuthentication({ dg15: rsaDg15, challenge, response: iso9796Sign(rsa.privateKey, challenge, 'sha256') }).algorithm, 'rsa-iso9796-2-sha256');
  t.equal(verifyActiveAuthentication({ dg15: rsaDg15, challenge, response: iso9796Sign(rsa.privateKey, challenge, 'sha1', true) }).outcome, 'pass');
});

t.test('RSA chip: replayed answer to another challenge, other key, garbage', async (t) => {
  const response = iso9796Sign(rsa.privateKey, challenge);
  const other = verifyActiveAuthentication({ dg15: rsaDg15, challenge: Buffer.from('fedcba9876543210', 'hex'), response });
  t.equal(other.outcome, 'fail');
  t.equal(other.reason, 'rsa-iso9796-2-sha1 hash does not match the challenge');
  const stranger = generateKeyPairSync('rsa', { modulusLength: 1024 });
  t.equal(verifyActiveAuthentication({ dg15: rsaDg15, challenge, response: iso9796Sign(stranger.privateKey, challenge) }).outcome, 'fail');
  t.equal(verifyActiveAuthentication({ dg15: rsaDg15, challenge, response: randomBytes(128) }).outcome, 'fail');
  t.equal(verifyActiveAuthentication({ dg15: rsaDg15, challenge, response: randomBytes(12) }).reason, 'response is 12 bytes, the key needs 128');
  t.equal(verifyActiveAuthentication({ dg15: Buffer.from('6f03020101', 'hex'), challenge, response }).outcome, 'error');
  t.equal(verifyActiveAuthentication({ dg15: Buffer.from('30', 'hex'), challenge, response }).outcome, 'error');
});

t.test('EC chip: plain ECDSA, named and explicit-parameter keys', async (t) => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
  const named = ec.publicKey.export({ type: 'spki', format: 'der' });
  for (const spki of [named, Buffer.from(toExplicitSpki(named, 'brainpoolP256r1'))]) {
    const r = verifyActiveAuthentication({ dg15: dg15(spki), challenge, response: ecdsaPlainSign(ec.privateKey, challenge) });
    t.equal(r.outcome, 'pass', r.reason);
    t.equal(r.algorithm, 'ecdsa-plain-sha256');
    t.equal(verifyActiveAuthentication({ dg15: dg15(spki), challenge: randomBytes(8), response: ecdsaPlainSign(ec.privateKey, challenge) }).outcome, 'fail');
  }
  t.equal(verifyActiveAuthentication({ dg15: dg15(named), challenge, response: randomBytes(3) }).outcome, 'fail');
  t.equal(verifyActiveAuthentication({ dg15: dg15(named), challenge, response: ecdsaPlainSign(ec.privateKey, challenge), ecdsaSignatureAlgorithm: '1.2.3' }).outcome, 'error');
});
