import t from 'tap';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { applyMrzPolicy, parseMrz } from '../../src/documents/mrz/index.js';
import { loadCscaStore, verifyPassiveAuthentication } from '../../src/documents/emrtd/index.js';
import { buildTd3 } from '../helpers/documents/mrz-builder.js';
import * as pki from '../helpers/documents/pki.js';

const now = new Date('2026-11-24T12:00:00Z');

t.test('documents config: defaults, overrides, named errors', async (t) => {
  const c = buildConfig({}).documents;
  t.equal(c.binding.nameThreshold, 0.85);
  t.equal(c.mrz.expiryWindowYears, 50);
  t.equal(c.emrtd.cscaStorePath, 'var/csca');
  t.equal(c.emrtd.acceptChainIncomplete, false);
  const o = buildConfig({ documents: { mrz: { acceptedIssuingStates: ['D', 'NZL'] }, binding: { nameThreshold: 0.9 } } }).documents;
  t.same(o.mrz.acceptedIssuingStates, ['D', 'NZL']);
  t.equal(o.binding.nameThreshold, 0.9);
  t.throws(() => buildConfig({ documents: { binding: { nameThreshold: 1.5 } } }), { message: 'config config.documents.binding.nameThreshold: expected a number in 0.5..1, received 1.5' });
  t.throws(() => buildConfig({ documents: { mrz: { acceptSpecimens: 'yes' } } }), { message: 'config config.documents.mrz.acceptSpecimens: expected true or false, received "yes"' });
  t.throws(() => buildConfig({ documents: { emrtd: { cscaStore: 'x' } } }), { message: 'config config.documents.emrtd.cscaStore: expected no such key (misspelled?), received a string of 1 character (not shown)' });
  t.throws(() => buildConfig({ documents: { mrz: { acceptedIssuingStates: ['deu'] } } }), { code: 'ERR_CONFIG' });
  t.throws(() => buildConfig({ documents: { binding: { nameThreshold: 0.6, compareDateOfBirth: false } } }), { code: 'ERR_CONFIG' });
});

t.test('MRZ policy: expiry with grace, specimens, sex X, issuing states', async (t) => {
  const policy = buildConfig({}).documents.mrz;
  t.same(applyMrzPolicy(parseMrz(buildTd3(), { now }), policy, now), { accepted: true, reasons: [] });
  const expired = parseMrz(buildTd3({ expiry: '261120' }), { now });
  t.same(applyMrzPolicy(expired, policy, now).reasons, ['POLICY_EXPIRED']);
  t.equal(applyMrzPolicy(expired, { ...policy, expiryGraceDays: 7 }, now).accepted, true);
  t.same(applyMrzPolicy(parseMrz(buildTd3({ state: 'UTO' }), { now }), policy, now).reasons, ['POLICY_SPECIMEN']);
  t.equal(applyMrzPolicy(parseMrz(buildTd3({ state: 'UTO', nationality: 'UTO' }), { now }), { ...policy, acceptSpecimens: true }, now).accepted, true);
  t.same(applyMrzPolicy(parseMrz(buildTd3({ sex: 'X' }), { now }), { ...policy, acceptSexX: false }, now).reasons, ['POLICY_SEX_X']);
  t.same(applyMrzPolicy(parseMrz(buildTd3(), { now }), { ...policy, acceptedIssuingStates: ['D'] }, now).reasons, ['POLICY_ISSUING_STATE']);
  t.same(applyMrzPolicy(parseMrz(buildTd3({ dob: '960231' }), { now }), policy, now).reasons, ['MRZ_BAD_DATE']);
  t.same(applyMrzPolicy(parseMrz('garbage'), policy, now).reasons, ['MRZ_BAD_LINE_COUNT']);
});

t.test('CSCA store directory: master lists, certificates (DER and PEM), CRLs, bad files reported', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-csca-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const key = pki.makeKey('p256');
  const name = pki.dn({ C: 'NZ', CN: 'Dir CSCA' });
  const csca = pki.certificate({ serial: 1, issuer: name, subject: name, notBefore: new Date('2020-01-01'), notAfter: new Date('2035-01-01'), subjectKey: key, issuerKey: key, ca: true });
  const dsName = pki.dn({ C: 'NZ', CN: 'Dir DS' });
  const ds = pki.certificate({ serial: 2, issuer: name, subject: dsName, notBefore: new Date('2024-01-01'), notAfter: new Date('2034-01-01'), subjectKey: key, issuerKey: key, ca: false });
  writeFileSync(path.join(dir, 'a.pem'), `-----BEGIN CERTIFICATE-----\n${csca.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
  writeFileSync(path.join(dir, 'b.crl'), pki.crl({ issuer: name, issuerKey: key, revoked: [2], thisUpdate: new Date('2026-11-01'), nextUpdate: new Date('2026-12-31') }));
  writeFileSync(path.join(dir, 'c.cer'), Buffer.from('not a certificate'));
  writeFileSync(path.join(dir, 'readme.txt'), 'hello');
  const { store, files } = loadCscaStore(dir);
  t.same(files.map((f) => [f.file, f.kind, f.ok]), [
    ['a.pem', 'certificate', true], ['b.crl', 'crl', true], ['c.cer', 'ignored', false], ['readme.txt', 'ignored', true],
  ]);
  t.equal(store.size, 1);
  const dataGroups = { 1: pki.dg1(buildTd3({ state: 'NZL' })) };
  const sod = pki.sod({ dataGroups, signerCert: ds, signerKey: key, signerIssuer: name, signerSerial: 2 });
  const r = verifyPassiveAuthentication({ sod, dataGroups, store, now });
  t.equal(r.status, 'invalid');
  t.equal(r.checks.find((c) => c.name === 'ds.revocation')?.outcome, 'fail');
  t.equal(r.checks.find((c) => c.name === 'csca.country')?.outcome, 'pass', 'issuing state taken from DG1 when no optical MRZ is given');
});
