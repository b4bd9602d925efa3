// Held enrolments in the console: an admin lists them (account, matched profile, distance, when, state) and
// releases or rejects one, each act audited with the admin as actor in the same transaction. A help-desk
// agent is refused the page and the acts; a form without the session's CSRF token, a malformed or unknown
// id, and a hold already settled are refused, and a refusal writes nothing.
import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { ADMIN, AGENT, helpdeskFixture, type Fixture } from './helpdesk-fixture.js';
import { HELPDESK_PLACES } from '../../src/helpdesk/create-helpdesk.js';

/** A hold of a second account whose face matched the fixture account's profile. */
function addHold(fx: Fixture, upn: string) {
  const matched = fx.app.repository.getProfile(fx.tid, fx.oid)!;
  return fx.app.repository.enrolmentHolds.add({
    holdId: randomBytes(16).toString('hex'), tid: fx.tid, oid: randomUUID(), sessionId: null,
    subject: { upn, displayName: null, givenName: null, familyName: null }, template: Buffer.alloc(512), modelId: 'test-model',
    enrolment: { via: 'test' }, matchedProfileId: matched.profileId, matchedTid: fx.tid, matchedOid: fx.oid,
    distance: 0.21234567, threshold: 0.4, createdAt: fx.clock.now,
  });
}

const lastSeq = (fx: Fixture) => fx.app.repository.lastAuditRecord()?.seq ?? 0;

t.test('the staff home page offers the holds to admins only', async (t) => {
  t.ok(HELPDESK_PLACES.admin?.some((p) => p.path === '/helpdesk/holds'), 'admin: listed');
  t.notOk(HELPDESK_PLACES.helpdesk?.some((p) => p.path === '/helpdesk/holds'), 'helpdesk: not listed');
});

t.test('a help-desk agent is refused the page and the acts; nothing is written', async (t) => {
  const fx = await helpdeskFixture(t);
  const hold = addHold(fx, 'twin@contoso.example');
  const seq = lastSeq(fx);
  const agent = fx.console(AGENT);
  t.equal((await agent.get('/helpdesk/holds')).status, 403, 'GET refused');
  t.equal((await agent.post(`/helpdesk/holds/${hold.holdId}/release`, {})).status, 403, 'release refused');
  t.equal((await agent.post(`/helpdesk/holds/${hold.holdId}/reject`, {})).status, 403, 'reject refused');
  const anonymous = await fetch(`${fx.app.issuer}/helpdesk/holds/${hold.holdId}/release`, { method: 'POST', redirect: 'manual' });
  t.equal(anonymous.status, 403, 'no staff session: refused');
  t.equal(fx.app.repository.enrolmentHolds.get(hold.holdId)!.state, 'held');
  t.equal(lastSeq(fx), seq, 'no audit record');
});

t.test('an admin sees each hold and releases one: audited with the admin as actor; refusals write nothing', async (t) => {
  const fx = await helpdeskFixture(t);
  const hold = addHold(fx, 'twin@contoso.example');
  const other = addHold(fx, 'alias@contoso.example');
  const admin = fx.console(ADMIN);
  const res = await admin.get('/helpdesk/holds');
  t.equal(res.status, 200);
  t.match(res.headers.get('cache-control'), /no-store/);
  const page = await res.text();
  const row = new RegExp(`<tr class="hold" data-hold-id="${hold.holdId}" data-state="held">[\\s\\S]*?</tr>`).exec(page)?.[0] ?? '';
  t.match(row, /twin@contoso\.example/, 'the account');
  t.match(row, new RegExp(fx.app.repository.getProfile(fx.tid, fx.oid)!.profileId), 'the matched profile');
  t.match(row, new RegExp(`${fx.tid} / ${fx.oid}`), 'and its account');
  t.match(row, /0\.2123 ≤ 0\.4/, 'the distance and the threshold');
  t.match(row, new RegExp(new Date(fx.clock.now).toISOString().slice(0, 19)), 'when it was held');
  t.match(row, new RegExp(`action="/helpdesk/holds/${hold.holdId}/release"[\\s\\S]*name="_csrf" value="${admin.csrf}"`), 'Release, with the CSRF token');
  t.match(row, new RegExp(`action="/helpdesk/holds/${hold.holdId}/reject"`), 'Reject');
  t.notMatch(page, /template/i, 'never the template');
  t.match(page, new RegExp(`data-hold-id="${other.holdId}"`));

  const seq = lastSeq(fx);
  t.equal((await admin.post(`/helpdesk/holds/${hold.holdId}/release`, {}, { csrf: null })).status, 403, 'no CSRF token');
  t.equal((await admin.post(`/helpdesk/holds/${hold.holdId}/release`, {}, { csrf: 'x'.repeat(32) })).status, 403, 'a wrong CSRF token');
  t.equal((await admin.post(`/helpdesk/holds/${'0'.repeat(32)}/release`, {})).status, 404, 'an unknown hold');
  t.equal((await admin.post('/helpdesk/holds/not-a-hold/reject', {})).status, 400, 'a malformed id');
  t.equal((await admin.get('/helpdesk/holds?state=nonsense')).status, 400, 'an unknown state filter');
  t.equal(fx.app.repository.enrolmentHolds.get(hold.holdId)!.state, 'held');
  t.equal(lastSeq(fx), seq, 'the refusals wrote nothing');

  const released = await admin.post(`/helpdesk/holds/${hold.holdId}/release`, {});
  t.equal(released.status, 303);
  t.equal(released.headers.get('location'), '/helpdesk/holds');
  const settled = fx.app.repository.enrolmentHolds.get(hold.holdId)!;
  t.match(settled, { state: 'released', template: null, subject: null });
  t.ok(fx.app.repository.getProfile(hold.tid, hold.oid), 'the account has its profile now');
  const record = fx.app.repository.lastAuditRecord()!;
  t.match(record, {
    seq: seq + 1, flow: 'enrolment-review', decision: 'changed', tid: hold.tid, oid: hold.oid,
    actor: { kind: 'staff', id: ADMIN.id, name: ADMIN.name, role: 'admin' }, checks: [{ name: 'enrolment-review', outcome: 'pass', reason: new RegExp(`^hold ${hold.holdId} released`) }],
  });

  t.equal((await admin.post(`/helpdesk/holds/${hold.holdId}/release`, {})).status, 409, 'a second release is refused');
  t.equal((await admin.post(`/helpdesk/holds/${hold.holdId}/reject`, {})).status, 409, 'and so is a reject of a released hold');
  t.equal(lastSeq(fx), seq + 1, 'nothing more written');

  t.equal((await admin.post(`/helpdesk/holds/${other.holdId}/reject`, {})).status, 303);
  t.match(fx.app.repository.enrolmentHolds.get(other.holdId)!, { state: 'rejected', template: null });
  t.equal(fx.app.repository.getProfile(other.tid, other.oid), null, 'nothing enrolled');
  t.match(fx.app.repository.lastAuditRecord()!, { flow: 'enrolment-review', actor: { id: ADMIN.id }, checks: [{ outcome: 'fail', reason: new RegExp(`^hold ${other.holdId} rejected`) }] });

  const after = await (await admin.get('/helpdesk/holds')).text();
  t.match(after, new RegExp(`data-hold-id="${hold.holdId}" data-state="released"`));
  t.notMatch(after, new RegExp(`action="/helpdesk/holds/${hold.holdId}/`), 'no buttons on a settled hold');
  t.match(await (await admin.get('/helpdesk/holds?state=held')).text(), /id="holds-empty"/, 'nothing left held');
});
