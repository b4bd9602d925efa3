// The repository's sub-stores (phone hand-offs, help-desk requests and API tokens, webhook deliveries,
// enrolment holds and the profile journal, recovery TAP issues) answer the same on PostgreSQL as on SQLite:
// one script of calls runs on both stores and every answer is compared, besides the checks that say what the
// answers must be. Every statement of those stores runs at least once on each.
import t from 'tap';
import { postgresBackend, sqliteBackend } from '../helpers/store-backends.js';
import { sessionFixture } from '../helpers/store-fixtures.js';
import type { SqlRepository } from '../../src/store/sqlite-repository.js';

const AT = Date.UTC(2026, 3, 1);
const H = (c: string) => c.repeat(64);

function script(repo: SqlRepository): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  repo.createSession(sessionFixture('s1', { createdAt: AT, expiresAt: AT + 600_000 }));
  repo.createSession(sessionFixture('s2', { createdAt: AT, expiresAt: AT + 600_000 }));

  // Hand-offs
  const h = repo.handoffs;
  out.issued = h.issue({ handoffId: 'h'.repeat(20), sessionId: 's1', tokenSha256: H('a'), code: '123456', createdAt: AT, expiresAt: AT + 60_000 }, 3);
  out.reissued = h.issue({ handoffId: 'i'.repeat(20), sessionId: 's1', tokenSha256: H('b'), code: '654321', createdAt: AT, expiresAt: AT + 60_000 }, 3);
  out.firstEnded = h.get('h'.repeat(20))?.state;
  out.latest = h.latestOf('s1')?.handoffId;
  out.opened = h.open(H('b'), { phoneSha256: H('c'), phoneCsrf: 'x'.repeat(20), phoneIp: '192.0.2.1' }, AT + 1000);
  out.openedAgain = h.open(H('b'), { phoneSha256: H('c'), phoneCsrf: 'x'.repeat(20), phoneIp: null }, AT + 2000);
  out.byToken = h.byToken(H('b'))?.state;
  out.confirmed = h.confirm('i'.repeat(20), AT + 3000);
  out.decided = h.decide('i'.repeat(20), '{"ok":true}', AT + 4000);
  out.postBack = h.takePostBack('i'.repeat(20));
  out.postBackTwice = h.takePostBack('i'.repeat(20));
  out.erasedPostBacks = h.eraseUncollectedPostBacks(AT + 10_000_000);
  out.badCode = (() => { try { h.issue({ handoffId: 'j'.repeat(20), sessionId: 's2', tokenSha256: H('d'), code: '12a456', createdAt: AT, expiresAt: AT + 1 }, 3); return 'stored'; } catch (e) { return (e as { code?: string }).code; } })();

  // Help-desk requests, API tokens, webhook deliveries
  const r = repo.requests;
  const request = (n: number, upn: string | null) => ({
    requestId: `req-${String(n).padStart(12, '0')}`, tid: 'T', oid: `O${n}`, upn, purpose: 'verify' as const, tokenSha256: H(String(n)),
    codeSha256: H('e'), createdBy: { kind: 'staff' as const, id: 'a'.repeat(32), name: 'Dana', role: 'helpdesk' as const }, createdAt: AT + n, expiresAt: AT + 86_400_000,
  });
  out.inserted = r.insert(request(1, 'Ada@Contoso.example'), AT);
  r.insert(request(2, null), AT);
  out.byUpn = r.openByUpn('ada@contoso.EXAMPLE', AT).map((x) => x.requestId);
  out.list = r.list(10).map((x) => x.requestId);
  out.codeFailures = [r.countCodeFailure(request(1, null).requestId), r.countCodeFailure(request(1, null).requestId)];
  out.attached = r.attachSession(request(1, null).requestId, 's2', AT + 5);
  out.bySession = r.bySession('s2')?.requestId;
  out.completed = r.complete(request(1, null).requestId, 's2', { decision: 'verified', auditSeq: 7, at: AT + 6 });
  r.setResultJws(request(1, null).requestId, 'jws');
  out.afterComplete = r.get(request(1, null).requestId);
  out.revoked = [r.revoke(request(2, null).requestId, AT + 7), r.revoke(request(2, null).requestId, AT + 8)];
  repo.upsertSubject({ tid: 'T', oid: 'O1', upn: 'ada@contoso.example', displayName: null, givenName: null, familyName: null });
  out.accountsByUpn = r.accountsByUpn('ADA@contoso.example', 5);
  out.knownAccount = r.knownAccount('T', 'O1');
  out.token = r.addApiToken({ tokenId: 'tok-0001', name: 'crm', tokenSha256: H('f'), scopes: ['requests:create'], createdAt: AT });
  out.tokenDuplicate = (() => { try { r.addApiToken({ tokenId: 'tok-0002', name: 'crm', tokenSha256: H('9'), scopes: ['requests:create'], createdAt: AT }); return 'stored'; } catch (e) { return (e as Error).message; } })();
  r.touchApiToken('tok-0001', AT + 9);
  out.activeToken = r.activeApiToken(H('f'));
  out.tokens = [r.listApiTokens(), r.apiTokenByName('crm'), r.revokeApiToken('crm', AT + 10), r.revokeApiToken('crm', AT + 11), r.activeApiToken(H('f'))];
  const delivery = { requestId: request(1, null).requestId, url: 'https://crm.example/hook', state: 'pending' as const, attempts: 1, lastStatus: 503, lastError: 'busy', updatedAt: AT };
  r.saveDelivery(delivery);
  r.saveDelivery({ ...delivery, url: 'https://crm.example/other', updatedAt: AT - 1 });
  out.pending = r.pendingDeliveries(10).map((d) => d.url);
  r.saveDelivery({ ...delivery, state: 'delivered', attempts: 2, lastStatus: 200, lastError: null, updatedAt: AT + 1 });
  out.stillPending = r.pendingDeliveries(10).map((d) => d.url);
  out.deliveries = r.deliveriesOf(delivery.requestId).filter((d) => d.url === delivery.url);

  // Enrolment holds and the profile journal
  const holds = repo.enrolmentHolds;
  const hold = (n: number, oid: string) => ({
    holdId: String(n).padStart(32, '0'), tid: 'T', oid, sessionId: null, subject: { upn: 'x@y', displayName: 'X', givenName: null, familyName: null },
    template: Buffer.alloc(16, n), modelId: 'm', enrolment: { method: 'selfie' }, matchedProfileId: 'p-1', matchedTid: 'T', matchedOid: 'O1',
    distance: 0.25, threshold: 0.6, createdAt: AT + n,
  });
  out.held = holds.add(hold(1, 'O7'));
  holds.add(hold(2, 'O8'));
  holds.add(hold(3, 'O8'));
  out.holdList = holds.list({ limit: 10 }).map((x) => x.holdId);
  out.holdPage = holds.list({ limit: 10, state: 'held', before: { createdAt: AT + 3, holdId: hold(3, '').holdId } }).map((x) => x.holdId);
  out.openFor = holds.openForAccount('T', 'O8').map((x) => x.holdId);
  out.settled = [holds.settle(hold(1, '').holdId, { state: 'rejected' }, AT + 20), holds.settle(hold(1, '').holdId, { state: 'rejected' }, AT + 21)];
  out.holdAfterSettle = holds.get(hold(1, '').holdId);
  out.erasedHolds = holds.eraseAccount('T', 'O8', AT + 30);
  out.badHold = (() => { try { holds.add({ ...hold(4, 'O9'), template: Buffer.alloc(2) }); return 'stored'; } catch (e) { return (e as { code?: string }).code; } })();
  const journalBefore = repo.profileJournal.lastChange();
  repo.saveProfile({ profileId: 'p-1', tid: 'T', oid: 'O1', template: Buffer.alloc(8, 1), modelId: 'm', enrolment: null });
  repo.saveProfile({ profileId: 'p-1', tid: 'T', oid: 'O1', template: Buffer.alloc(8, 2), modelId: 'm', enrolment: null });
  out.journal = [repo.profileJournal.lastChange() - journalBefore, repo.profileJournal.changesSince(journalBefore, 10).map((c) => c.profileId)];
  out.templates = [repo.profileJournal.templatesOf('m', null, 10), repo.profileJournal.templatesOf('m', 'p-1', 10), repo.profileJournal.templateOf('p-1')];

  // Recovery TAP issues
  out.taps = [repo.recoveryTaps.markIssued('req-x', AT), repo.recoveryTaps.markIssued('req-x', AT + 1), repo.recoveryTaps.issuedAt('req-x'), repo.recoveryTaps.issuedAt('req-y')];
  return out;
}

t.test('the sub-stores answer the same on SQLite and PostgreSQL', async (t) => {
  const sqlite = script((await sqliteBackend.temp(t, { now: () => AT })).repo);
  const postgres = script((await postgresBackend(t).temp(t, { now: () => AT })).repo);
  t.match(sqlite, {
    issued: { state: 'issued', code: '123456' }, firstEnded: 'ended', latest: 'i'.repeat(20), opened: { state: 'opened', phoneIp: '192.0.2.1' },
    openedAgain: null, confirmed: true, decided: true, postBack: '{"ok":true}', postBackTwice: null, badCode: 'SQLITE_CONSTRAINT_CHECK',
    byUpn: ['req-000000000001'], codeFailures: [1, 2], attached: true, completed: true,
    afterComplete: { status: 'verified', decision: 'verified', auditSeq: 7, resultJws: 'jws', sessionId: 's2' }, revoked: [true, false],
    tokenDuplicate: 'an API token named "crm" already exists', activeToken: { name: 'crm', lastUsedAt: AT + 9 },
    deliveries: [{ state: 'delivered', attempts: 2, lastStatus: 200, lastError: null }],
    pending: ['https://crm.example/other', 'https://crm.example/hook'], stillPending: ['https://crm.example/other'],
    holdPage: ['2'.padStart(32, '0'), '1'.padStart(32, '0')], openFor: ['2'.padStart(32, '0'), '3'.padStart(32, '0')], settled: [true, false],
    holdAfterSettle: { state: 'rejected', template: null, subject: null }, erasedHolds: 2, badHold: 'ERR_STORE_INPUT',
    journal: [2, ['p-1', 'p-1']], taps: [true, false, AT, null],
  }, 'SQLite gives the expected answers');
  t.same(postgres, sqlite, 'PostgreSQL gives the same answers');
});
