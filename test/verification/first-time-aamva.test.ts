// First-time verification with a North American driver licence: no MRZ, the holder is read from the
// AAMVA PDF417 barcode on the back (encoded here with the addon's zxing-cpp test encoder), the portrait
// from the front (rendered card with a face-api demo face).
import { verificationPolicy } from '../../src/config/sections/verification.js';
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { encodeTestPdf417 } from '../helpers/native-test-addon.js';
import type { VerificationSession } from '../../src/core/domain.js';
import type { Capture } from '../../src/verification/capture/capture.js';
import { decideFirstTime, type FirstTimeOutcome } from '../../src/verification/policy/decide-first-time.js';
import { DocumentsInspector } from '../../src/verification/first-time/document-inspector.js';
import { e2eFaceEngine } from '../helpers/e2e-face-engine.js';
import { missingModels } from '../helpers/face-engine-fixture.js';
import { HOLDER_CLAIMS, kioskCaptures, renderIdCard, selfieOf } from '../helpers/first-time-fixtures.js';
import { tempRepository } from '../helpers/temp-store.js';

/** A version-10 payload with correct subfile offsets (as in test/documents-imaging/aamva.test.ts). */
function aamvaPayload(elements: Array<[string, string]>): string {
  const body = `DL${elements.map(([id, v]) => `${id}${v}`).join('\n')}\r`;
  return `@\n\x1e\rANSI 636000100001DL${String(31).padStart(4, '0')}${String(body.length).padStart(4, '0')}${body}`;
}
const licence = (overrides: Record<string, string> = {}) => aamvaPayload(Object.entries({
  DCA: 'D', DCB: 'NONE', DCD: 'NONE', DBA: '03152031', DCS: 'ERIKSSON', DAC: 'ANNA', DAD: 'MARIA', DBD: '03152023', DBB: '08121974', DBC: '2',
  DAG: '12 TEST AVE', DAI: 'RICHMOND', DAJ: 'VA', DAK: '232690000  ', DAQ: 'T64512789', DCF: 'DOC0001', DCG: 'USA', DDE: 'N', DDF: 'N', DDG: 'N', ...overrides,
}));

const missing = missingModels();
if (missing) {
  t.fail(missing);
} else {
  const config = buildConfig({ verification: { assurance: { returningUser: 'none', firstTime: 'none' } } });
  const documents = await DocumentsInspector.load(config.documents);
  const engine = await e2eFaceEngine();
  const { repo } = tempRepository(t);
  const front = await renderIdCard([], 'personA');
  const back = (payload: string) => encodeTestPdf417(Buffer.from(payload, 'latin1'), { width: 800, height: 300, margin: 20, moduleScale: 2 });
  const backCapture = (png: Buffer): Capture => ({ kind: 'document-back', mediaType: 'image/png', bytes: png, meta: null });
  let n = 0;
  const decide = (captures: Capture[], claims: Record<string, unknown> = HOLDER_CLAIMS): Promise<FirstTimeOutcome> => {
    const session = { sessionId: `dl-${++n}`, tid: 't', oid: 'o', hintClaims: claims, challenge: { nonce: `dl-nonce-${n}-0123456789abcdef` } } as unknown as VerificationSession;
    return decideFirstTime({
      engine, documents, policy: verificationPolicy(config), liveness: config.liveness,
      challenge: { steps: ['blink'], nonce: session.challenge.nonce as string }, replayGuard: repo, now: Date.now(), requiredTier: config.verification.assurance.firstTime,
    }, session, captures);
  };
  const check = (o: FirstTimeOutcome, name: string) => o.checks.find((c) => c.name === name);

  t.test('a valid licence of the account holder: verified from the barcode', async (t) => {
    const o = await decide(kioskCaptures(front, selfieOf('personA'), [backCapture(await back(licence()))]));
    t.match(o, { kind: 'decided', decision: 'verified' }, JSON.stringify(o.checks.filter((c) => c.outcome !== 'pass')));
    t.equal(new Set(o.checks.map((c) => c.name)).size, o.checks.length, 'each check appears once');
    t.match(check(o, 'document-barcode'), { outcome: 'pass', reason: /AAMVA version 10 from VA/ });
    t.match(check(o, 'document-expiry'), { outcome: 'pass', reason: /expires 2031-03-15/ });
    t.match(check(o, 'document-mrz-read'), { outcome: 'skipped', reason: /driver licence/ });
    t.match(check(o, 'holder-binding'), { outcome: 'pass' });
    if (o.kind === 'decided') t.match(o.enrolment?.summary, { documentType: 'driver-licence', issuer: 'VA', holderSource: 'aamva-barcode' });
  });

  t.test('an expired licence: denied', async (t) => {
    const o = await decide(kioskCaptures(front, selfieOf('personA'), [backCapture(await back(licence({ DBA: '03152024' })))]));
    t.match(o, { kind: 'decided', decision: 'denied' });
    t.match(check(o, 'document-expiry'), { outcome: 'fail', reason: /expires 2024-03-15/ });
  });

  t.test('a licence whose birth date contradicts the directory: denied by the binding', async (t) => {
    const o = await decide(kioskCaptures(front, selfieOf('personA'), [backCapture(await back(licence()))]), { ...HOLDER_CLAIMS, birthdate: '1974-12-08' });
    t.match(o, { kind: 'decided', decision: 'denied' });
    t.match(check(o, 'holder-binding'), { outcome: 'fail', score: 0 });
  });

  t.test('no MRZ on the front and no barcode on the back: asked to present the document again', async (t) => {
    const o = await decide(kioskCaptures(front, selfieOf('personA'), [backCapture(await renderIdCard([], null))]));
    t.match(o, { kind: 'retry', advice: /machine-readable lines/ });
    t.match(check(o, 'document-barcode'), { outcome: 'fail', reason: /no MRZ on either side and no PDF417 barcode/ });
  });
}
