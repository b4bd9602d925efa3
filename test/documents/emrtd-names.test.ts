import t from 'tap';
import { parseDer } from '../../src/documents/asn1/index.js';
import { CscaStore, matchNames, readName, verifyPassiveAuthentication, type PassiveAuthReport } from '../../src/documents/emrtd/index.js';
import * as pki from '../helpers/documents/pki.js';
import type { NameAttributeSpec } from '../helpers/documents/pki.js';

const now = new Date('2026-11-24T12:00:00Z');
const years = (n: number) => new Date(now.getTime() + n * 365.25 * 86400_000);
const MRZ = ['P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<', 'C11T002JM4D<<9608122F2310314<<<<<<<<<<<<<<<4'];

const nameOf = (rdns: ReadonlyArray<readonly NameAttributeSpec[]>) => readName(parseDer(pki.name(rdns)), 'name');
const reason = (r: PassiveAuthReport, name: string) => r.checks.find((c) => c.name === name)?.reason;
const outcome = (r: PassiveAuthReport, name: string) => r.checks.find((c) => c.name === name)?.outcome;

// The CSCA's name as its own certificate writes it: C as PrintableString, the rest UTF8String,
// organisation and unit in one multi-valued RDN.
const CSCA: NameAttributeSpec[][] = [[['C', 'DE', 'printable']], [['O', 'Test State'], ['OU', 'Passports']], [['CN', 'Test CSCA']]];

t.test('RFC 5280 7.1: string type, case, white space and the order inside an RDN do not matter', async (t) => {
  const cert = nameOf(CSCA);
  const same = nameOf([[['C', 'de', 'utf8']], [['OU', 'PASSPORTS', 'printable'], ['O', '  test   state ', 'bmp']], [['CN', 'TEST CSCA', 'bmp']]]);
  t.equal(matchNames(cert, same), 'exact');
  t.equal(cert.text, 'C=DE, O=Test State, OU=Passports, CN=Test CSCA');
  t.equal(cert.country, 'DE');
  t.same(cert.rdns.map((r) => r.length), [1, 2, 1]);
});

t.test('the same RDNs in another order match as "reordered" (the deliberate leniency)', async (t) => {
  const cert = nameOf(CSCA);
  const reversed = nameOf([[['CN', 'Test CSCA']], [['OU', 'Passports'], ['O', 'Test State']], [['C', 'DE', 'printable']]]);
  t.equal(matchNames(cert, reversed), 'reordered');
  t.equal(matchNames(reversed, cert), 'reordered');
});

t.test('any attribute that differs, is missing or is regrouped is no match', async (t) => {
  const cert = nameOf(CSCA);
  t.equal(matchNames(cert, nameOf([[['C', 'DE']], [['O', 'Test State'], ['OU', 'Passports']], [['CN', 'Test CSCB']]])), null, 'one value differs');
  t.equal(matchNames(cert, nameOf([[['C', 'DE']], [['O', 'Test State'], ['OU', 'Passports']]])), null, 'one RDN missing');
  t.equal(matchNames(cert, nameOf([[['C', 'DE']], [['O', 'Test State']], [['OU', 'Passports']], [['CN', 'Test CSCA']]])), null, 'a multi-valued RDN split in two');
  t.equal(matchNames(cert, nameOf([[['C', 'DE']], [['O', 'Test State'], ['OU', 'Passports']], [['CN', 'Test CSCA']], [['serialNumber', '1']]])), null, 'one attribute more');
  t.equal(matchNames(cert, nameOf([[['C', 'DE']], [['O', 'Test State'], ['CN', 'Passports']], [['OU', 'Test CSCA']]])), null, 'values under other attribute types');
  t.equal(matchNames(cert, nameOf([[['C', 'DE']], [['O', 'TestState'], ['OU', 'Passports']], [['CN', 'Test CSCA']]])), null, 'inner space is compressed, not removed');
});

t.test('values that are not valid strings compare by their exact DER', async (t) => {
  // Two different invalid UTF-8 sequences would both decode to U+FFFD.
  const a = nameOf([[['C', 'DE']], [['CN', 'Bund\xff', 'raw-utf8']]]);
  const b = nameOf([[['C', 'DE']], [['CN', 'Bund\xfe', 'raw-utf8']]]);
  t.equal(matchNames(a, b), null);
  t.equal(matchNames(a, nameOf([[['C', 'DE']], [['CN', 'Bund\xff', 'raw-utf8']]])), 'exact');
  t.match(a.text, /CN=#0c0542756e64ff/);
});

t.test('hostile Names are refused with a coded error, never a throw of another kind', async (t) => {
  const empty = Buffer.from('30023100', 'hex'); // SEQUENCE { SET {} }: an RDN must hold one attribute at least
  t.throws(() => readName(parseDer(empty), 'issuer'), { name: 'Asn1Error', code: 'ASN1_UNEXPECTED', message: /empty RDN/ });
  const three = Buffer.from('300f310d300b0603550406130244450500', 'hex'); // attribute SEQUENCE { type, value, NULL }
  t.throws(() => readName(parseDer(three), 'issuer'), { code: 'ASN1_UNEXPECTED', message: /extra elements/ });
  t.throws(() => readName(parseDer(Buffer.from('3100', 'hex')), 'issuer'), { code: 'ASN1_UNEXPECTED' }, 'a SET where the SEQUENCE belongs');
  t.throws(() => readName(parseDer(Buffer.from('300431023000', 'hex')), 'issuer'), { code: 'ASN1_UNEXPECTED' }, 'an attribute without type and value');
  t.throws(() => readName(parseDer(Buffer.from('300a3108300606035504060500', 'hex').subarray(0, 12)), 'issuer'), { name: 'Asn1Error' }, 'truncated');
});

/** A CSCA, a document signer it issued and an SOD, with the names each side writes chosen by the test. */
function chip(opts: { sidIssuer?: Buffer; dsIssuer?: Buffer; cscaSubject?: Buffer } = {}) {
  const cscaKey = pki.makeKey('p256');
  const dsKey = pki.makeKey('p256', true);
  const cscaName = opts.cscaSubject ?? pki.name(CSCA);
  const dsIssuer = opts.dsIssuer ?? cscaName;
  const csca = pki.certificate({ serial: 1, issuer: cscaName, subject: cscaName, notBefore: years(-5), notAfter: years(10), subjectKey: cscaKey, issuerKey: cscaKey, ca: true });
  const dsName = pki.name([[['C', 'DE', 'printable']], [['O', 'Test State']], [['CN', 'Test Document Signer']]]);
  const ds = pki.certificate({ serial: 0x4242, issuer: dsIssuer, subject: dsName, notBefore: years(-1), notAfter: years(9), subjectKey: dsKey, issuerKey: cscaKey, ca: false });
  const dataGroups = { 1: pki.dg1(MRZ) };
  const sod = pki.sod({ dataGroups, signerCert: ds, signerKey: dsKey, signerIssuer: opts.sidIssuer ?? dsIssuer, signerSerial: 0x4242 });
  const store = new CscaStore();
  store.addCertificate(csca, 'test csca');
  return { sod, dataGroups, store, cscaKey, cscaName, ds };
}

t.test('SOD: the signer identifier names its issuer with the RDNs in another order: valid, and said so', async (t) => {
  const f = chip({ sidIssuer: pki.name([[['CN', 'Test CSCA']], [['O', 'Test State'], ['OU', 'Passports']], [['C', 'DE', 'printable']]]) });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'valid', JSON.stringify(r.checks.filter((c) => c.outcome !== 'pass')));
  t.equal(reason(r, 'sod.signer'), 'document signer C=DE, O=Test State, CN=Test Document Signer (the SignerInfo names its issuer with the RDNs in another order)');
  t.equal(outcome(r, 'sod.signature'), 'pass', 'the signature still binds the certificate');
});

t.test('SOD: the signer identifier differs by string type, case and spacing only: valid, an exact match', async (t) => {
  const f = chip({ sidIssuer: pki.name([[['C', 'DE', 'utf8']], [['OU', 'PASSPORTS', 'printable'], ['O', 'Test  State', 'printable']], [['CN', ' test csca', 'bmp']]]) });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'valid');
  t.equal(reason(r, 'sod.signer'), 'document signer C=DE, O=Test State, CN=Test Document Signer');
});

t.test('SOD: the signer identifier differs in one attribute value: the signer is not found', async (t) => {
  const f = chip({ sidIssuer: pki.name([[['CN', 'Test CSCA 2']], [['O', 'Test State'], ['OU', 'Passports']], [['C', 'DE', 'printable']]]) });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'error');
  t.equal(outcome(r, 'sod.signer'), 'error');
  t.equal(reason(r, 'sod.signer'), 'the document signer certificate named by the SOD is not in the SOD');
});

t.test('SOD: a signer identifier whose issuer Name is malformed is an unreadable SOD, not a throw', async (t) => {
  const f = chip({ sidIssuer: Buffer.from('30023100', 'hex') });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'error');
  t.equal(outcome(r, 'sod.structure'), 'error');
  t.match(reason(r, 'sod.structure'), /empty RDN/);
});

t.test('chain: the signer certificate names its CSCA with the RDNs in another order: anchored, and said so', async (t) => {
  const f = chip({ dsIssuer: pki.name([[['C', 'DE', 'printable']], [['CN', 'Test CSCA']], [['OU', 'Passports'], ['O', 'Test State']]]) });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'valid', JSON.stringify(r.checks.filter((c) => c.outcome !== 'pass')));
  t.match(reason(r, 'chain.csca'), /document signer issued by C=DE, O=Test State, OU=Passports, CN=Test CSCA \(test csca\); the names match with the RDNs in another order/);
  t.equal(reason(r, 'sod.signer'), 'document signer C=DE, O=Test State, CN=Test Document Signer', 'sid and certificate agree exactly');
});

t.test('chain: a CSCA whose name matches only in another order but whose key did not sign: invalid', async (t) => {
  const f = chip({ dsIssuer: pki.name([[['CN', 'Test CSCA']], [['O', 'Test State'], ['OU', 'Passports']], [['C', 'DE', 'printable']]]) });
  const otherKey = pki.makeKey('p256', true);
  const store = new CscaStore();
  store.addCertificate(pki.certificate({ serial: 9, issuer: f.cscaName, subject: f.cscaName, notBefore: years(-5), notAfter: years(10), subjectKey: otherKey, issuerKey: otherKey, ca: true }), 'impostor');
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store, now });
  t.equal(r.status, 'invalid');
  t.equal(outcome(r, 'chain.csca'), 'fail');
});

t.test('chain: one attribute differs between the issuer and every CSCA: chain-incomplete', async (t) => {
  const f = chip({ dsIssuer: pki.name([[['C', 'DE', 'printable']], [['O', 'Test State'], ['OU', 'Visas']], [['CN', 'Test CSCA']]]) });
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'chain-incomplete');
});

t.test('revocation: a CRL whose issuer names the CSCA in another order and another string type still applies', async (t) => {
  const f = chip();
  f.store.addCrl(pki.crl({
    issuer: pki.name([[['CN', 'TEST CSCA', 'printable']], [['C', 'DE', 'utf8']], [['O', 'Test State'], ['OU', 'Passports']]]),
    issuerKey: f.cscaKey, revoked: [0x4242], thisUpdate: years(-0.1), nextUpdate: years(0.1),
  }));
  const r = verifyPassiveAuthentication({ sod: f.sod, dataGroups: f.dataGroups, opticalMrz: MRZ, store: f.store, now });
  t.equal(r.status, 'invalid');
  t.equal(reason(r, 'ds.revocation'), 'document signer serial 4242 is revoked');
});
