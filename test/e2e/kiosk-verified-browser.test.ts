// A complete, verified first time at the kiosk in headless Chromium: a running appliance and a running
// kiosk agent (its key made by its own `init` in a real SoftHSM token, registered as a station), the
// scanner test double "scanning" a rendered passport data page, the agent's real PC/SC chip reader
// (the class the CLI builds) reading the virtual ePassport in a private pcscd over BAC with the key typed
// on the page's keypad, and the simulated RGB-D camera filming the same synthetic person whose face is
// printed on the page and stored in the chip's DG2. The chip's EF.SOD chains to a test CSCA in the
// appliance's CSCA store. The run ends verified at the default kiosk-depth assurance: the profile is
// stored, the decision's audit record names the station and passes the chip's passive authentication,
// and form_post takes an id_token to Entra. Face analysis is scripted (test/helpers/kiosk/verified-kiosk.ts).
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { holderPassport } from '../helpers/kiosk/holder-passport.js';
import { startVerifiedKiosk, walkFirstTime } from '../helpers/kiosk/verified-kiosk.js';
import { startVirtualEpassport, virtualEpassportUnavailable } from '../helpers/virtual-epassport.js';

const unavailable = virtualEpassportUnavailable();
if (unavailable) {
  t.plan(0, `virtual ePassport: ${unavailable}`);
} else {
  t.test('first time at the kiosk, end to end: scanned passport page → chip over PC/SC (keypad) → selfie → verified, profile stored, id_token posted to Entra', async (t) => {
    const passport = await holderPassport(t);
    const card = await startVirtualEpassport(passport.files);
    t.teardown(() => card.close());
    const k = await startVerifiedKiosk(t, passport);
    const { app, station } = k;
    t.equal(k.documents.verifier.trustedCscaCount, 1, 'the appliance trusts the test CSCA');
    t.equal(app.config.verification.assurance.firstTime, buildConfig({}).verification.assurance.firstTime, 'the default first-time assurance');
    t.equal(app.config.verification.assurance.firstTime, 'kiosk-depth', 'which is a station\'s depth camera');
    t.match(await k.chip.selftest(), { ok: true, detail: /Virtual PCD/ }, 'the agent\'s chip reader sees the virtual ePassport\'s reader');
    t.equal(app.repository.getProfile(app.entra.tid, app.entra.oid), null, 'no profile before');

    const walk = await walkFirstTime(k);
    t.equal(walk.scansAtChipScreen, 1, 'the page was scanned once, under white light');
    t.same(walk.heldAtSelfieScreen, ['document-front', 'document-chip'], 'the agent held the page and the chip read over PC/SC');
    const record = app.repository.lastAuditRecord()!;
    t.match(record, { sessionId: walk.sessionId, flow: 'first-time', decision: 'verified', upn: 'anna@contoso.example' }, `verified (failed checks: ${JSON.stringify(record.checks.filter((c) => c.outcome === 'fail'))})`);
    t.equal(walk.fields.state, walk.state, 'the form_post reached Entra with the session\'s state');
    t.notOk(walk.fields.error, 'no error in the form_post');
    const claims = await app.verifyIdToken(walk.fields.id_token);
    t.equal(claims.sub, app.entra.sub, 'the id_token names the account');
    const profile = app.repository.getProfile(app.entra.tid, app.entra.oid);
    t.ok(profile, 'the profile is stored for the account');
    t.match(profile?.enrolment, { method: 'document-verification', documentType: 'P', issuer: 'D', chip: { read: true, passiveAuthentication: 'valid' } }, 'enrolled from the passport, its chip read and authenticated');
    t.equal(record.profileId, profile?.profileId, 'the audit record names the profile it enrolled');
    t.match(record.checks.find((c) => c.name === 'station-attestation'), { outcome: 'pass', reason: new RegExp(`^evidence signed by station ${station.stationId} \\("Reception kiosk 2"\\); operator: none signed in$`) },
      'the audit record names the station');
    t.match(record.checks.find((c) => c.name === 'document-chip'), { outcome: 'pass', reason: /^passive authentication valid/ }, 'the chip\'s SOD chains to the trusted CSCA and DG1 is the printed MRZ');
    t.match(record.checks.find((c) => c.name === 'liveness-tier'), { outcome: 'pass', reason: /^tier reached: kiosk-depth/ }, 'the kiosk-depth tier is reached');
    for (const name of ['document-mrz-read', 'document-expiry', 'portrait-match', 'chip-portrait-match', 'holder-binding']) {
      t.match(record.checks.find((c) => c.name === name), { outcome: 'pass' }, `${name} passed`);
    }
    t.ok(record.checks.every((c) => c.outcome === 'pass' || c.outcome === 'skipped'), 'every check passed or did not apply');
    t.equal(k.kiosk.agent.held.size, 0, 'the agent wiped the captures once it signed');
    t.same(walk.consoleErrors, [], 'no console errors');
  });
}
