// Chip Authentication inside DocumentVerifier.checkChip and the kiosk's chip container.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { DocumentVerifier } from '../../src/documents/index.js';
import { parseDg14, startChipAuthentication } from '../../src/documents/emrtd/index.js';
import { parseChipContainer } from '../../src/verification/first-time/chip-container.js';
import type { DocumentInspector } from '../../src/verification/first-time/document-inspector.js';
import type { IdentifiedDocument } from '../../src/verification/first-time/document-findings.js';
import { chipCheck } from '../../src/verification/first-time/first-time-checks.js';
import * as pki from '../helpers/documents/pki.js';
import { buildDg14, CA_OID, chipAuthenticationToken, chipProtectedResponse, ecChipKey } from '../helpers/documents/ca-chip.js';

const now = new Date('2026-11-24T12:00:00Z');
const MRZ = ['P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<', 'C11T002JM4D<<9608122F2310314<<<<<<<<<<<<<<<4'];
const dir = mkdtempSync(path.join(tmpdir(), 'pg-docver-ca-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const key = pki.makeKey('p256');
const cscaName = pki.dn({ C: 'DE', CN: 'CA Test CSCA' });
writeFileSync(path.join(dir, 'csca.der'), pki.certificate({ serial: 1, issuer: cscaName, subject: cscaName, notBefore: new Date('2020-01-01'), notAfter: new Date('2040-01-01'), subjectKey: key, issuerKey: key, ca: true }));
const ds = pki.certificate({ serial: 2, issuer: cscaName, subject: pki.dn({ C: 'DE', CN: 'CA Test DS' }), notBefore: new Date('2024-01-01'), notAfter: new Date('2034-01-01'), subjectKey: key, issuerKey: key, ca: false });
const sod = (groups: Record<number, Buffer>) => pki.sod({ dataGroups: groups, signerCert: ds, signerKey: key, signerIssuer: cscaName, signerSerial: 2 });

const chip = ecChipKey('brainpoolP256r1', { explicit: true });
const dg14 = buildDg14(chip, CA_OID.ecdh['AES-128'], 1);
const groups = { 1: pki.dg1(MRZ), 14: dg14 };

t.test('CA result reaches the decision; DG14 must be vouched for by the SOD', async (t) => {
  const v = DocumentVerifier.create(buildConfig({}).documents, dir);
  const session = startChipAuthentication(parseDg14(dg14));
  const ca = { terminalPrivateKey: session.terminalPrivateKey, protectedResponse: chipProtectedResponse(chip, 'AES-128', session.terminalPublicKey) };
  const dataGroups = new Map(Object.entries(groups).map(([k, g]) => [Number(k), g]));

  const plain = v.checkChip({ sod: sod(groups), dataGroups }, MRZ, now);
  t.equal(plain.chip, null, 'no CA answer, no CA result');
  t.same(plain.reasons, []);

  const good = v.checkChip({ sod: sod(groups), dataGroups, chipAuthentication: ca }, MRZ, now);
  t.same(good.reasons, []);
  t.equal(good.chip?.outcome, 'pass');
  t.equal(good.accepted, true);

  const tampered = Buffer.from(ca.protectedResponse);
  tampered[5] ^= 1;
  const bad = v.checkChip({ sod: sod(groups), dataGroups, chipAuthentication: { ...ca, protectedResponse: tampered } }, MRZ, now);
  t.same(bad.reasons, ['CA_FAILED']);
  t.equal(bad.chip?.outcome, 'fail');

  // A cloner brings his own DG14 (and the matching private key): the SOD does not vouch for it.
  const smuggled = v.checkChip({ sod: sod({ 1: pki.dg1(MRZ) }), dataGroups, chipAuthentication: ca }, MRZ, now);
  t.same(smuggled.reasons, ['PA_INVALID', 'CA_KEY_NOT_AUTHENTICATED']);

  const noDg14 = v.checkChip({ sod: sod({ 1: pki.dg1(MRZ) }), dataGroups: new Map([[1, pki.dg1(MRZ)]]), chipAuthentication: ca }, MRZ, now);
  t.same(noDg14.reasons, ['CA_FAILED']);
  t.equal(noDg14.chip?.reason, 'Chip Authentication answer without DG14');
});

t.test('chip container: chipAuthentication parsed from base64, bad fields refused with 400', async (t) => {
  const v2 = buildDg14(chip, CA_OID.ecdh['AES-256'], 2);
  const session = startChipAuthentication(parseDg14(v2));
  const answer = chipAuthenticationToken(chip, CA_OID.ecdh['AES-256'], 'AES-256', session.terminalPublicKey);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const container = (ca: unknown) => Buffer.from(JSON.stringify({ sod: b64(sod({ 1: pki.dg1(MRZ), 14: v2 })), dataGroups: { 1: b64(pki.dg1(MRZ)), 14: b64(v2) }, chipAuthentication: ca }));
  const reading = parseChipContainer(container({
    terminalPrivateKey: b64(session.terminalPrivateKey), terminalPublicKey: b64(session.terminalPublicKey), protocol: CA_OID.ecdh['AES-256'], keyId: 0,
    nonce: b64(answer.nonce), authenticationToken: b64(answer.authenticationToken),
  }));
  t.equal(reading.chipAuthentication?.keyId, 0);
  t.same(Buffer.from(reading.chipAuthentication!.nonce!), answer.nonce);
  // keyId 0 is named but DG14 has no keyId: the key is not found, a CA error.
  const verifier = DocumentVerifier.create(buildConfig({}).documents, dir);
  t.same(verifier.checkChip(reading, MRZ, now).reasons, ['CA_FAILED']);
  const { keyId: _unused, ...withoutKeyId } = reading.chipAuthentication!;
  const decided = verifier.checkChip({ ...reading, chipAuthentication: withoutKeyId }, MRZ, now);
  t.same(decided.reasons, []);
  t.equal(decided.chip?.version, 2);

  for (const [ca, message] of [
    [{}, /chipAuthentication.terminalPrivateKey must be non-empty standard base64/],
    [{ terminalPrivateKey: 'AA==', extra: 1 }, /unknown field "extra"/],
    [{ terminalPrivateKey: 'AA==', sendSequenceCounter: -1 }, /sendSequenceCounter must be an integer/],
    [{ terminalPrivateKey: 'AA==', protocol: 'not an oid' }, /protocol must be a dotted OID/],
    ['x', /chipAuthentication must be an object/],
  ] as const) {
    t.throws(() => parseChipContainer(container(ca)), { code: 'ERR_BAD_REQUEST', message }, JSON.stringify(ca));
  }
});

t.test('first-time chip check: the CA outcome appears in the reason and the summary only when sent', async (t) => {
  const verifier = DocumentVerifier.create(buildConfig({}).documents, dir);
  // chipCheck only calls checkChip; the real DocumentVerifier answers it.
  const inspector = { checkChip: verifier.checkChip.bind(verifier) } as unknown as DocumentInspector;
  const document: IdentifiedDocument = {
    source: 'mrz', documentType: 'P', issuer: 'D', documentNumber: 'C11T002JM', mrzLines: MRZ,
    holder: {} as IdentifiedDocument['holder'],
  };
  const session = startChipAuthentication(parseDg14(dg14));
  const dataGroups = new Map(Object.entries(groups).map(([k, g]) => [Number(k), g]));
  const base = { sod: sod(groups), dataGroups };
  const plain = chipCheck(inspector, base, document, now);
  t.same(plain.summary, { read: true, passiveAuthentication: 'valid', activeAuthentication: null }, 'unchanged without CA');
  t.notMatch(plain.check.reason, /chip authentication/);
  const good = chipCheck(inspector, { ...base, chipAuthentication: { terminalPrivateKey: session.terminalPrivateKey, protectedResponse: chipProtectedResponse(chip, 'AES-128', session.terminalPublicKey) } }, document, now);
  t.equal(good.check.outcome, 'pass');
  t.equal(good.summary.chipAuthentication, 'pass');
  t.match(good.check.reason, /chip authentication pass/);
  const bad = chipCheck(inspector, { ...base, chipAuthentication: { terminalPrivateKey: session.terminalPrivateKey, protectedResponse: chipProtectedResponse(ecChipKey('brainpoolP256r1'), 'AES-128', session.terminalPublicKey) } }, document, now);
  t.equal(bad.check.outcome, 'fail');
  t.equal(bad.summary.chipAuthentication, 'fail');
  t.match(bad.check.reason, /refused: CA_FAILED/);
});
