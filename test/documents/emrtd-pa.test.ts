import t from 'tap';
import { createHash } from 'node:crypto';
import { CscaStore, readDg1Mrz, verifyPassiveAuthentication, type PassiveAuthReport } from '../../src/documents/emrtd/index.js';
import * as pki from '../helpers/documents/pki.js';
import type { KeyKind } from '../helpers/documents/pki.js';

const now = new Date('2026-11-24T12:00:00Z');
const years = (n: number) => new Date(now.getTime() + n * 365.25 * 86400_000);
const MRZ = ['P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<', 'C11T002JM4D<<9608122F2310314<<<<<<<<<<<<<<<4'];
const MRZ_UTO = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

interface Scenario {
  cscaKind?: KeyKind;
  dsKind?: KeyKind;
  cscaNotAfter?: Date;
  dsNotAfter?: Date;
  country?: string;
  mrz?: string[];
  ber?: boolean;
}

function build(s: Scenario = {}) {
  const cscaKey = pki.makeKey(s.cscaKind ?? 'rsa');
  const dsKey = pki.makeKey(s.dsKind ?? 'rsa');
  const cscaName = pki.dn({ C: s.country ?? 'DE', O: 'Test State', CN: 'Test CSCA' });
  const dsName = pki.dn({ C: s.country ?? 'DE', O: 'Test State', CN: 'Test Document Signer' });
  const csca = pki.certificate({
    serial: 1, issuer: cscaName, subject: cscaName, notBefore: years(-5), notAfter: s.cscaNotAfter ?? years(10),
    subjectKey: cscaKey, issuerKey: cscaKey, ca: true,
  });
  const ds = pki.certificate({
    serial: 0x1234, issuer: cscaName, subject: dsName, notBefore: years(-1), notAfter: s.dsNotAfter ?? years(9),
    subjectKey: dsKey, issuerKey: cscaKey, ca: false,
  });
  const dataGroups: Record<number, Buffer> = {
    1: pki.dg1(s.mrz ?? MRZ),
    2: Buffer.concat([Buffer.from([0x75, 0x82, 0x01, 0x00]), Buffer.alloc(256, 7)]),
    14: Buffer.from('6e0a31083006060400', 'hex'),
  };
  const sodSpec = { dataGroups, signerCert: ds, signerKey: dsKey, signerIssuer: cscaName, signerSerial: 0x1234, ber: s.ber };
  const store = new CscaStore();
  store.addCertificate(csca, 'test csca');
  return { cscaKey, dsKey, cscaName, dsName, csca, ds, dataGroups, sodSpec, sod: pki.sod(sodSpec), store };
}

const outcomes = (r: PassiveAuthReport) => Object.fromEntries(r.checks.map((c) => [c.name, c.outcome]));
const reason = (r: PassiveAuthReport, name: string) => r.checks.find((c) => c.name === name)?.reason;
const failed = (r: PassiveAuthReport) => r.checks.filter((c) => c.outcome === 'fail').map((c) => c.name);

t.test('valid: RSA PKCS#1 v1.5 CSCA and document signer, every check', async (t) => {
  const f = build();
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'valid');
  t.same(outcomes(r), {
    'sod.structure': 'pass', 'dg.hash.1': 'pass', 'dg.hash.2': 'pass', 'dg.hash.14': 'pass', 'dg1.optical-match': 'pass',
    'sod.signer': 'pass', 'sod.content-type': 'pass', 'sod.message-digest': 'pass', 'sod.signature': 'pass',
    'ds.validity': 'pass', 'ds.key-usage': 'pass', 'chain.csca': 'pass', 'csca.validity': 'pass', 'csca.constraints': 'pass',
    'ds.revocation': 'skip', 'csca.country': 'pass',
  });
  t.equal(reason(r, 'sod.signature'), 'rsa-pkcs1-sha256 signature verifies');
  t.equal(reason(r, 'csca.country'), 'CSCA country DE = MRZ issuing state D');
  t.same(r.dataGroupsInSod, [1, 2, 14]);
  t.equal(r.hashAlgorithm, 'sha256');
  t.equal(r.documentSigner?.subject, 'C=DE, O=Test State, CN=Test Document Signer');
  t.equal(r.csca?.source, 'test csca');
});

t.test('valid: RSA-PSS (parameters read from the AlgorithmIdentifier)', async (t) => {
  const f = build({ cscaKind: 'rsa-pss', dsKind: 'rsa-pss' });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'valid', JSON.stringify(r.checks.filter((c) => c.outcome !== 'pass')));
  t.equal(reason(r, 'sod.signature'), 'rsa-pss-sha256 signature verifies');
});

t.test('valid: ECDSA P-256', async (t) => {
  const f = build({ cscaKind: 'p256', dsKind: 'p256' });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'valid');
  t.equal(reason(r, 'sod.signature'), 'ecdsa-sha256 on prime256v1 signature verifies');
});

t.test('valid: brainpool keys given as explicit curve parameters are mapped to the named curve', async (t) => {
  const f = build({ cscaKind: 'brainpool256-explicit', dsKind: 'brainpool384-explicit' });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'valid', JSON.stringify(r.checks.filter((c) => c.outcome !== 'pass')));
  t.equal(reason(r, 'sod.signature'), 'ecdsa-sha384 on brainpoolP384r1 (explicit parameters) signature verifies');
  t.equal(r.hashAlgorithm, 'sha384');
});

t.test('valid: BER indefinite-length SOD (as New Zealand passports encode it)', async (t) => {
  const f = build({ ber: true });
  t.equal(f.sod[1], 0x80, 'fixture really is indefinite-length');
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'valid');
});

t.test('tampered data group: invalid, names the group', async (t) => {
  const f = build();
  const dgs = { ...f.dataGroups, 2: Buffer.from(f.dataGroups[2]) };
  dgs[2][100] ^= 0xff;
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: dgs, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['dg.hash.2']);
  t.equal(reason(r, 'dg.hash.2'), 'sha256 of DG2 differs from the SOD (data altered)');
});

t.test('a data group the SOD does not list is not authenticated', async (t) => {
  const f = build();
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: { ...f.dataGroups, 15: Buffer.from('6f00', 'hex') }, store: f.store, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['dg.hash.15']);
});

t.test('wrong document-signer signature: invalid', async (t) => {
  const f = build();
  const r = verifyPassiveAuthentication({ sod: pki.sod({ ...f.sodSpec, corruptSignature: true }), dataGroups: f.dataGroups, store: f.store, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['sod.signature']);
  t.equal(reason(r, 'sod.signature'), 'rsa-pkcs1-sha256 signature does not verify');
});

t.test('signed by a different key than the certificate in the SOD: invalid', async (t) => {
  const f = build({ dsKind: 'p256' });
  const other = pki.makeKey('p256', true);
  const r = verifyPassiveAuthentication({ sod: pki.sod({ ...f.sodSpec, signerKey: other }), dataGroups: f.dataGroups, store: f.store, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['sod.signature']);
});

t.test('messageDigest or contentType attribute not matching the content: invalid', async (t) => {
  const f = build();
  const md = verifyPassiveAuthentication({ sod: pki.sod({ ...f.sodSpec, messageDigest: Buffer.alloc(32, 1) }), dataGroups: f.dataGroups, store: f.store, now });
  t.equal(md.status, 'invalid');
  t.same(failed(md), ['sod.message-digest']);
  // A security object swapped after signing: hashes of other data, signature over the old attributes.
  const swapped = pki.sod({ ...f.sodSpec, securityObject: pki.ldsSecurityObject({ 1: Buffer.from([0x61, 0x00]) }, 'sha256'),
    messageDigest: createHash('sha256').update(pki.ldsSecurityObject(f.dataGroups, 'sha256')).digest() });
  const r2 = verifyPassiveAuthentication({ sod: swapped, store: f.store, now });
  t.same(failed(r2), ['sod.message-digest']);
  const ct = verifyPassiveAuthentication({ sod: pki.sod({ ...f.sodSpec, signedContentType: '1.2.840.113549.1.7.1' }), dataGroups: f.dataGroups, store: f.store, now });
  t.same(failed(ct), ['sod.content-type']);
});

t.test('document signer with no known CSCA: chain-incomplete', async (t) => {
  const f = build();
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: new CscaStore(), now });
  t.equal(r.status, 'chain-incomplete');
  t.equal(outcomes(r)['chain.csca'], 'incomplete');
  t.equal(reason(r, 'chain.csca'), 'no trusted CSCA named C=DE, O=Test State, CN=Test CSCA');
  t.equal(r.csca, null);
});

t.test('chain-incomplete also when the unanchored signer certificate has expired; tampering still wins', async (t) => {
  const f = build({ dsNotAfter: years(-0.5) });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, store: new CscaStore(), now });
  t.equal(r.status, 'chain-incomplete');
  t.equal(outcomes(r)['ds.validity'], 'fail');
  const dgs = { ...f.dataGroups, 1: pki.dg1(MRZ_UTO) };
  t.equal(verifyPassiveAuthentication({ sod: f.sod, dataGroups: dgs, store: new CscaStore(), now }).status, 'invalid');
});

t.test('a CSCA with the right name but another key does not anchor the signer: invalid', async (t) => {
  const f = build();
  const impostorKey = pki.makeKey('p256');
  const impostor = pki.certificate({ serial: 9, issuer: f.cscaName, subject: f.cscaName, notBefore: years(-1), notAfter: years(5), subjectKey: impostorKey, issuerKey: impostorKey, ca: true });
  const store = new CscaStore();
  store.addCertificate(impostor, 'impostor');
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, store, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['chain.csca']);
});

t.test('expired CSCA: invalid', async (t) => {
  const f = build({ cscaNotAfter: years(-0.1) });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['csca.validity']);
  t.match(reason(r, 'csca.validity'), /^expired /);
});

t.test('expired document signer: invalid', async (t) => {
  const f = build({ dsNotAfter: years(-0.1) });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, store: f.store, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['ds.validity']);
});

t.test('revocation: CRL listing the document signer, not listing it, forged CRL, required CRL', async (t) => {
  const f = build();
  const revoking = new CscaStore();
  revoking.addCertificate(f.csca, 'csca');
  revoking.addCrl(pki.crl({ issuer: f.cscaName, issuerKey: f.cscaKey, revoked: [7, 0x1234], thisUpdate: years(-0.1), nextUpdate: years(0.1) }));
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, store: revoking, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['ds.revocation']);
  t.equal(reason(r, 'ds.revocation'), 'document signer serial 1234 is revoked');

  const clean = new CscaStore();
  clean.addCertificate(f.csca, 'csca');
  clean.addCrl(pki.crl({ issuer: f.cscaName, issuerKey: f.cscaKey, revoked: [7], thisUpdate: years(-0.1), nextUpdate: years(0.1) }));
  const ok = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, store: clean, now });
  t.equal(ok.status, 'valid');
  t.equal(outcomes(ok)['ds.revocation'], 'pass');

  const forged = new CscaStore();
  forged.addCertificate(f.csca, 'csca');
  forged.addCrl(pki.crl({ issuer: f.cscaName, issuerKey: pki.makeKey('p256'), revoked: [], thisUpdate: years(-0.1), nextUpdate: years(0.1) }));
  const fr = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, store: forged, now });
  t.same(failed(fr), ['ds.revocation']);
  t.equal(reason(fr, 'ds.revocation'), 'CRL present for the CSCA but its signature does not verify');

  const required = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, store: f.store, now, requireCrl: true });
  t.same(failed(required), ['ds.revocation']);
});

t.test('CSCA country differs from the MRZ issuing state: invalid', async (t) => {
  const f = build({ country: 'FR' });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['csca.country']);
  t.equal(reason(r, 'csca.country'), 'CSCA country FR is not the MRZ issuing state D');
});

t.test('DG1 differs from the optical MRZ: invalid, with the first differing character', async (t) => {
  const f = build();
  const optical = [MRZ[0], 'C11T002JN4D<<9608122F2310314<<<<<<<<<<<<<<<4'];
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: optical, store: f.store, now });
  t.equal(r.status, 'invalid');
  t.same(failed(r), ['dg1.optical-match']);
  t.equal(reason(r, 'dg1.optical-match'), 'DG1 differs from the optical MRZ from character 53');
});

t.test('no DS certificate in the SOD, several signers: error or invalid, never a throw', async (t) => {
  const f = build();
  const bare = pki.sod({ ...f.sodSpec, signerSerial: 999 });
  const r = verifyPassiveAuthentication({ sod: bare, dataGroups: f.dataGroups, store: f.store, now });
  t.equal(r.status, 'error');
  t.equal(reason(r, 'sod.signer'), 'the document signer certificate named by the SOD is not in the SOD');
});

t.test('master lists: signature verified before trusting their CSCAs', async (t) => {
  const f = build();
  const signerKey = pki.makeKey('p256');
  const signerName = pki.dn({ C: 'DE', O: 'Test State', CN: 'Master List Signer' });
  const signer = pki.certificate({ serial: 77, issuer: f.cscaName, subject: signerName, notBefore: years(-1), notAfter: years(2), subjectKey: signerKey, issuerKey: f.cscaKey, ca: false });
  const otherKey = pki.makeKey('brainpool256-explicit');
  const otherName = pki.dn({ C: 'NZ', CN: 'Other CSCA' });
  const other = pki.certificate({ serial: 5, issuer: otherName, subject: otherName, notBefore: years(-1), notAfter: years(5), subjectKey: otherKey, issuerKey: otherKey, ca: true });
  const spec = { cscas: [f.csca, other], signerCert: signer, signerKey, signerIssuer: f.cscaName, signerSerial: 77 };

  const store = new CscaStore();
  const imp = store.addMasterList(pki.masterList(spec), 'test.ml');
  t.equal(imp.signatureValid, true, JSON.stringify(imp.checks));
  t.equal(imp.imported, 2);
  t.same(imp.checks.map((c) => c.name), ['ml.signer', 'ml.content-type', 'ml.message-digest', 'ml.signature', 'ml.signer-chain']);
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store, now });
  t.equal(r.status, 'valid');
  t.equal(r.csca?.source, 'master list test.ml');

  const forged = new CscaStore();
  const bad = forged.addMasterList(pki.masterList({ ...spec, corruptSignature: true }), 'forged.ml');
  t.equal(bad.signatureValid, false);
  t.equal(bad.imported, 0);
  t.equal(forged.size, 0);
  t.equal(verifyPassiveAuthentication({ sod: f.sod, store: forged, now }).status, 'chain-incomplete');

  const unanchored = new CscaStore();
  const lone = unanchored.addMasterList(pki.masterList({ ...spec, cscas: [other] }), 'lone.ml');
  t.equal(lone.signatureValid, false);
  t.equal(lone.checks.find((c) => c.name === 'ml.signer-chain')?.outcome, 'fail');
  const accepted = new CscaStore().addMasterList(pki.masterList({ ...spec, cscas: [other] }), 'lone.ml', { acceptUnverified: true });
  t.equal(accepted.imported, 1);
});

t.test('spec vector: each DG hash covers the whole TLV (BSI DG1 615B5F1F58...)', async (t) => {
  const dg1 = pki.dg1(MRZ);
  t.equal(dg1.subarray(0, 5).toString('hex').toUpperCase(), '615B5F1F58');
  const hash = createHash('sha256').update(dg1).digest('hex').toUpperCase();
  t.equal(hash.slice(0, 8), '4170CA87');
  t.equal(hash.slice(-4), '42B6');
  t.same(readDg1Mrz(dg1), MRZ);
});
