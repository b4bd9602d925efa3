// First-time verification with chip data: a kiosk's chip reader sends EF.SOD and the data groups in the
// JSON chip container; passive authentication runs against the CSCA store loaded from
// documents.emrtd.cscaStorePath (a temp directory holding a test CSCA, all keys generated here), and the
// authenticated DG2 photo (a face-api demo face as JPEG) is compared with the selfie by the real engine.
import { verificationPolicy } from '../../src/config/sections/verification.js';
import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import type { VerificationSession } from '../../src/core/domain.js';
import type { Capture } from '../../src/verification/capture/capture.js';
import { decideFirstTime, type FirstTimeOutcome } from '../../src/verification/policy/decide-first-time.js';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { documentNumberHash } from '../../src/verification/first-time/enrolment-summary.js';
import { lookalikeDifferences } from '../../src/verification/first-time/reconcile-chip-mrz.js';
import * as pki from '../helpers/documents/pki.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { missingModels } from '../helpers/face-engine-fixture.js';
import { HOLDER_CLAIMS, buildTd1, kioskCaptures, renderIdCard, selfieOf } from '../helpers/first-time-fixtures.js';
import { tempDir, tempRepository } from '../helpers/temp-store.js';

const missing = missingModels();
if (missing) {
  t.fail(missing);
} else {
  const now = Date.now();
  const years = (n: number) => new Date(now + n * 365.25 * 86400_000);
  const cscaKey = pki.makeKey('rsa');
  const dsKey = pki.makeKey('rsa');
  const cscaName = pki.dn({ C: 'DE', O: 'Test State', CN: 'Test CSCA' });
  const csca = pki.certificate({ serial: 1, issuer: cscaName, subject: cscaName, notBefore: years(-5), notAfter: years(10), subjectKey: cscaKey, issuerKey: cscaKey, ca: true });
  const ds = pki.certificate({
    serial: 0x1234, issuer: cscaName, subject: pki.dn({ C: 'DE', O: 'Test State', CN: 'Test Document Signer' }),
    notBefore: years(-1), notAfter: years(9), subjectKey: dsKey, issuerKey: cscaKey, ca: false,
  });
  const cscaDir = tempDir(t, 'proofgate-csca-');
  writeFileSync(path.join(cscaDir, 'test-csca.cer'), csca);
  const config = buildConfig({ documents: { emrtd: { cscaStorePath: cscaDir } }, verification: { assurance: { returningUser: 'none', firstTime: 'none' } } });
  const documents = await DocumentsInspector.load(config.documents);
  const engine = await e2eFaceEngine();
  const { repo } = tempRepository(t);

  // A number without 0/O: the OCR's known 0/O confusion on this renderer would make DG1 differ from the
  // optical MRZ (dg1.optical-match is exact), which is a limit of the reader, not what this test is about.
  const mrz = buildTd1({ state: 'D', nationality: 'D', number: 'C7H3M29X4' });
  const card = await renderIdCard(mrz, 'personA');
  // DG2: tag 75 around a (simplified) biometric header and the facial image as a JPEG.
  const dg2Of = (image: Buffer) => Buffer.concat([Buffer.from([0x75, 0x83]), Buffer.from([(image.length + 16) >> 16, ((image.length + 16) >> 8) & 0xff, (image.length + 16) & 0xff]), Buffer.alloc(16, 0x7f), image]);
  const holderDg2 = dg2Of(faceJpeg('personA', { width: 240, height: 320, zoom: 1.2 }));
  const chipFor = (lines: readonly string[], dg2: Buffer = holderDg2) => {
    const dataGroups = { 1: pki.dg1(lines), 2: dg2 };
    const sod = pki.sod({ dataGroups, signerCert: ds, signerKey: dsKey, signerIssuer: cscaName, signerSerial: 0x1234 });
    const container = { sod: sod.toString('base64'), dataGroups: Object.fromEntries(Object.entries(dataGroups).map(([k, v]) => [k, v.toString('base64')])) };
    return { kind: 'document-chip', mediaType: 'application/octet-stream', bytes: Buffer.from(JSON.stringify(container)), meta: null } as Capture;
  };
  let n = 0;
  const decide = (captures: Capture[]): Promise<FirstTimeOutcome> => {
    const session = {
      sessionId: `chip-${++n}`, tid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', oid: '9b2c1a7e-1d2f-4c3b-8a9d-0e1f2a3b4c5d', hintClaims: HOLDER_CLAIMS,
      challenge: { nonce: `chip-nonce-${n}-0123456789abcdef` },
    } as unknown as VerificationSession;
    return decideFirstTime({
      engine, documents, policy: verificationPolicy(config), liveness: config.liveness,
      challenge: { steps: ['blink'], nonce: session.challenge.nonce as string }, replayGuard: repo, now: Date.now(), requiredTier: config.verification.assurance.firstTime,
    }, session, captures);
  };
  const chipCheck = (o: FirstTimeOutcome) => o.checks.find((c) => c.name === 'document-chip');

  t.test('a chip whose SOD chains to the trusted CSCA and whose DG1 is the printed MRZ: verified', async (t) => {
    t.equal(documents.verifier.trustedCscaCount, 1, 'the test CSCA is in the trust store');
    const o = await decide(kioskCaptures(card, selfieOf('personA'), [chipFor(mrz)]));
    t.match(o, { kind: 'decided', decision: 'verified' }, JSON.stringify(o.checks.filter((c) => c.outcome !== 'pass')));
    t.match(chipCheck(o), { outcome: 'pass', reason: /^passive authentication valid/ });
    t.match(o.checks.find((c) => c.name === 'chip-portrait-match'), { outcome: 'pass', threshold: config.biometrics.matching.threshold });
    if (o.kind === 'decided') t.match(o.enrolment?.summary, { documentType: 'I', issuer: 'D', chip: { read: true, passiveAuthentication: 'valid', activeAuthentication: null } });
  });

  t.test('a genuine chip of another document (DG1 differs from the printed MRZ): denied', async (t) => {
    const o = await decide(kioskCaptures(card, selfieOf('personA'), [chipFor(buildTd1({ state: 'D', nationality: 'D', number: 'C7H3M29X5' }))]));
    t.match(o, { kind: 'decided', decision: 'denied', enrolment: null });
    t.match(chipCheck(o), { outcome: 'fail', reason: /passive authentication invalid.*PA_INVALID.*dg1\.optical-match fail/ });
  });

  t.test('a genuine chip whose photo is another person: denied by the chip portrait match', async (t) => {
    const o = await decide(kioskCaptures(card, selfieOf('personA'), [chipFor(mrz, dg2Of(faceJpeg('personC', { width: 240, height: 320, zoom: 1.2 })))]));
    t.match(o, { kind: 'decided', decision: 'denied' });
    t.same(o.checks.filter((c) => c.outcome === 'fail').map((c) => c.name), ['chip-portrait-match']);
  });

  t.test('a chip photo in JPEG 2000 is not compared, and says so', async (t) => {
    const jp2 = Buffer.concat([Buffer.from('0000000c6a5020200d0a870a', 'hex'), Buffer.alloc(64, 1)]);
    const o = await decide(kioskCaptures(card, selfieOf('personA'), [chipFor(mrz, dg2Of(jp2))]));
    t.match(o, { kind: 'decided', decision: 'verified' });
    t.match(o.checks.find((c) => c.name === 'chip-portrait-match'), { outcome: 'skipped', reason: /JPEG 2000/ });
  });

  t.test('a number with zeros, which the OCR may read as O: the chip\'s signed MRZ settles it', async (t) => {
    const zeros = buildTd1({ state: 'D', nationality: 'D', number: 'T22000129' });
    const zeroCard = await renderIdCard(zeros, 'personA');
    const o = await decide(kioskCaptures(zeroCard, selfieOf('personA'), [chipFor(zeros)]));
    t.match(o, { kind: 'decided', decision: 'verified' }, JSON.stringify(o.checks.filter((c) => c.outcome === 'fail')));
    if (o.kind === 'decided') t.equal(o.enrolment?.summary.documentNumberSha256, documentNumberHash('D', 'T22000129'), 'the document is identified by the chip\'s number');
    const reason = chipCheck(o)?.reason ?? '';
    t.comment(/look-alike/.test(reason) ? `reconciled: ${reason}` : 'the OCR read the zeros right this time (no reconciliation needed)');
  });

  t.test('look-alike differences: only OCR confusions, at most three, same shape', async (t) => {
    const base = ['I<DT22000129<<<', 'ABC'];
    t.same(lookalikeDifferences(base, ['I<DT22OO0129<<<', 'ABC']), [[0, 6], [0, 7]], '0 read as O twice');
    t.equal(lookalikeDifferences(base, ['I<DT22000128<<<', 'ABC']), null, '8 vs 9 is not a look-alike');
    t.equal(lookalikeDifferences(base, ['I<DT22OOO1O9<<<', 'ABC']), null, 'more than three differences');
    t.equal(lookalikeDifferences(base, ['I<DT22000129<<', 'ABC']), null, 'another length');
    t.same(lookalikeDifferences(base, base), [], 'identical');
  });

  t.test('a chip whose data groups were altered after signing: denied', async (t) => {
    const chip = chipFor(mrz);
    const container = JSON.parse(chip.bytes.toString());
    container.dataGroups['2'] = dg2Of(faceJpeg('personC', { width: 240, height: 320, zoom: 1.2 })).toString('base64');
    const o = await decide(kioskCaptures(card, selfieOf('personA'), [{ ...chip, bytes: Buffer.from(JSON.stringify(container)) }]));
    t.match(o, { kind: 'decided', decision: 'denied' });
    t.match(chipCheck(o), { outcome: 'fail', reason: /dg\.hash\.2 fail/ });
    t.match(o.checks.find((c) => c.name === 'chip-portrait-match'), { outcome: 'skipped', reason: /not authenticated/ }, 'an unauthenticated photo is not compared');
  });
}
