import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { DocumentVerifier, type MrzParsed } from '../../src/documents/index.js';
import * as pki from '../helpers/documents/pki.js';
import { dg15 as makeDg15, iso9796Sign } from '../helpers/documents/chip.js';
import { buildTd3 } from '../helpers/documents/mrz-builder.js';

const now = new Date('2026-11-24T12:00:00Z');
const MRZ = ['P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<', 'C11T002JM4D<<9608122F2310314<<<<<<<<<<<<<<<4'];
const MRZ_VALID = buildTd3({ state: 'D', name: 'MUSTERMANN<<ERIKA', number: 'C11T002JM', nationality: 'D', dob: '960812', expiry: '331031', personal: '' });

const dir = mkdtempSync(path.join(tmpdir(), 'pg-docver-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const key = pki.makeKey('p256');
const cscaName = pki.dn({ C: 'DE', CN: 'Verifier CSCA' });
const csca = pki.certificate({ serial: 1, issuer: cscaName, subject: cscaName, notBefore: new Date('2020-01-01'), notAfter: new Date('2040-01-01'), subjectKey: key, issuerKey: key, ca: true });
const ds = pki.certificate({ serial: 2, issuer: cscaName, subject: pki.dn({ C: 'DE', CN: 'Verifier DS' }), notBefore: new Date('2024-01-01'), notAfter: new Date('2034-01-01'), subjectKey: key, issuerKey: key, ca: false });
writeFileSync(path.join(dir, 'csca.der'), csca);
const chipAa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const dg15 = makeDg15(chipAa.publicKey.export({ type: 'spki', format: 'der' }));

function reading(groups: Record<number, Buffer>, sodGroups: Record<number, Buffer> = groups) {
  return { sod: pki.sod({ dataGroups: sodGroups, signerCert: ds, signerKey: key, signerIssuer: cscaName, signerSerial: 2 }), dataGroups: new Map(Object.entries(groups).map(([k, v]) => [Number(k), v])) };
}

t.test('trust store from the configured directory; chain policy', async (t) => {
  const config = buildConfig({}).documents;
  const v = DocumentVerifier.create(config, dir);
  t.equal(v.trustedCscaCount, 1);
  t.same(v.trustStoreFiles.map((f) => [f.file, f.ok]), [['csca.der', true]]);
  const ok = v.checkChip(reading({ 1: pki.dg1(MRZ) }), MRZ, now);
  t.same(ok.reasons, []);
  t.equal(ok.accepted, true);
  t.equal(ok.passive.status, 'valid');

  const missing = DocumentVerifier.create(config, path.join(dir, 'nope'));
  t.equal(missing.trustedCscaCount, 0);
  t.equal(missing.trustStoreFiles[0].ok, false);
  t.same(missing.checkChip(reading({ 1: pki.dg1(MRZ) }), MRZ, now).reasons, ['PA_CHAIN_INCOMPLETE']);
  const lenient = DocumentVerifier.create(buildConfig({ documents: { emrtd: { acceptChainIncomplete: true } } }).documents, path.join(dir, 'nope'));
  t.equal(lenient.checkChip(reading({ 1: pki.dg1(MRZ) }), MRZ, now).accepted, true);
  t.same(v.checkChip(reading({ 1: pki.dg1(MRZ) }), MRZ_VALID, now).reasons, ['PA_INVALID'], 'DG1 differs from the optical MRZ');
  t.same(v.checkChip({ sod: Buffer.from('garbage'), dataGroups: new Map() }, MRZ, now).reasons, ['PA_ERROR']);
});

t.test('Active Authentication: needs a DG15 the SOD vouches for', async (t) => {
  const v = DocumentVerifier.create(buildConfig({}).documents, dir);
  const challenge = Buffer.from('0011223344556677', 'hex');
  const groups = { 1: pki.dg1(MRZ), 15: dg15 };
  const good = v.checkChip({ ...reading(groups), activeAuthentication: { challenge, response: iso9796Sign(chipAa.privateKey, challenge) } }, MRZ, now);
  t.same(good.reasons, []);
  t.equal(good.active?.outcome, 'pass');
  const replay = v.checkChip({ ...reading(groups), activeAuthentication: { challenge: Buffer.alloc(8), response: iso9796Sign(chipAa.privateKey, challenge) } }, MRZ, now);
  t.same(replay.reasons, ['AA_FAILED']);
  const smuggled = v.checkChip({ ...reading(groups, { 1: pki.dg1(MRZ) }), activeAuthentication: { challenge, response: iso9796Sign(chipAa.privateKey, challenge) } }, MRZ, now);
  t.same(smuggled.reasons, ['PA_INVALID', 'AA_KEY_NOT_AUTHENTICATED']);
  const noDg15 = v.checkChip({ ...reading({ 1: pki.dg1(MRZ) }), activeAuthentication: { challenge, response: Buffer.alloc(128) } }, MRZ, now);
  t.same(noDg15.reasons, ['AA_FAILED']);
  t.equal(noDg15.active?.reason, 'Active Authentication answer without DG15');
  const strict = DocumentVerifier.create(buildConfig({ documents: { emrtd: { requireActiveAuthentication: true } } }).documents, dir);
  t.same(strict.checkChip(reading(groups), MRZ, now).reasons, ['AA_NOT_PERFORMED']);
  t.same(v.checkChip(reading(groups), MRZ, now).reasons, [], 'not required by default');
});

t.test('MRZ policy and holder binding follow the configuration', async (t) => {
  const v = DocumentVerifier.create(buildConfig({}).documents, dir);
  const expired = v.checkMrz(MRZ, now);
  t.same(expired.decision.reasons, ['POLICY_EXPIRED']);
  const fresh = v.checkMrz(MRZ_VALID, now);
  t.equal(fresh.decision.accepted, true);
  const mrz = fresh.mrz as MrzParsed;
  t.equal(v.bindHolder(mrz, { givenName: 'Erika', familyName: 'Mustermann', dateOfBirth: '1996-08-12' }).outcome, 'match');
  t.equal(v.bindHolder(mrz, { givenName: 'Erika', familyName: 'Mustermann', dateOfBirth: '1990-01-01' }).outcome, 'mismatch');
  const noDob = DocumentVerifier.create(buildConfig({ documents: { binding: { compareDateOfBirth: false } } }).documents, dir);
  t.equal(noDob.bindHolder(mrz, { givenName: 'Erika', familyName: 'Mustermann', dateOfBirth: '1990-01-01' }).outcome, 'match');
  const strict = DocumentVerifier.create(buildConfig({ documents: { binding: { nameThreshold: 0.99 } } }).documents, dir);
  const r = strict.bindHolder(mrz, { givenName: 'Erika', familyName: 'Musterman' });
  t.equal(r.threshold, 0.99);
  t.equal(r.outcome, 'mismatch');
});
