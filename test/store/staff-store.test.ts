// The staff tables (migration 010) through the repository: CHECK constraints refuse what no caller should
// write; links and challenges are taken once; a revocation ends the member's passkeys, sessions and unused
// links in one transaction; sessions read back bound to the member and the passkey as they are now.
import t from 'tap';
import type { StoreBackend, Teardown } from '../helpers/store-backends.js';
import { activeStaffIdentity, staffActor } from '../../src/staff/staff-identity.js';

const AT = Date.UTC(2026, 5, 1, 9, 0, 0);
const ID = 'a'.repeat(32);
const H = (c: string) => c.repeat(64);
const CRED = 'Q'.repeat(43);

async function seeded(t: Teardown, backend: StoreBackend) {
  const { repo } = await backend.temp(t);
  const s = repo.staff;
  s.addStaff({ staffId: ID, name: 'Dana Desk', role: 'helpdesk', createdAt: AT });
  s.addCredential({ credentialId: CRED, staffId: ID, publicKey: Buffer.alloc(77, 1), counter: 0, transports: ['internal'], createdAt: AT });
  return { repo, s };
}
import { forEachStoreBackend } from '../helpers/store-backends.js';

forEachStoreBackend(t, (t, backend) => {
  t.test('rows out of bounds are refused by the store (ERR_STORE_INPUT), writing nothing', async (t) => {
    const { repo, s } = await seeded(t, backend);
    const bad: Array<[string, () => unknown]> = [
      ['a name over 100 characters', () => s.addStaff({ staffId: 'b'.repeat(32), name: 'x'.repeat(101), role: 'admin', createdAt: AT })],
      ['an empty name', () => s.addStaff({ staffId: 'b'.repeat(32), name: '', role: 'admin', createdAt: AT })],
      ['an unknown role', () => s.addStaff({ staffId: 'b'.repeat(32), name: 'x', role: 'root' as never, createdAt: AT })],
      ['a duplicate id', () => s.addStaff({ staffId: ID, name: 'x', role: 'admin', createdAt: AT })],
      ['a short credential id', () => s.addCredential({ credentialId: 'abc', staffId: ID, publicKey: Buffer.alloc(77), counter: 0, transports: [], createdAt: AT })],
      ['a huge public key', () => s.addCredential({ credentialId: 'R'.repeat(43), staffId: ID, publicKey: Buffer.alloc(4096), counter: 0, transports: [], createdAt: AT })],
      ['a duplicate credential', () => s.addCredential({ credentialId: CRED, staffId: ID, publicKey: Buffer.alloc(77), counter: 0, transports: [], createdAt: AT })],
      ['a credential of nobody', () => s.addCredential({ credentialId: 'S'.repeat(43), staffId: 'c'.repeat(32), publicKey: Buffer.alloc(77), counter: 0, transports: [], createdAt: AT })],
      ['a counter past 32 bits', () => s.useCredential(CRED, 2 ** 32, AT)],
      ['a link that expires before it starts', () => s.issueRegistration({ tokenSha256: H('1'), staffId: ID, createdAt: AT, expiresAt: AT })],
      ['a register challenge without its link', () => s.saveChallenge({ challenge: 'c'.repeat(43), purpose: 'register', tokenSha256: null, createdAt: AT, expiresAt: AT + 1 })],
      ['a sign-in challenge bound to a link', () => s.saveChallenge({ challenge: 'c'.repeat(43), purpose: 'sign-in', tokenSha256: H('1'), createdAt: AT, expiresAt: AT + 1 })],
      ['a short CSRF token', () => s.createSession({ sessionSha256: H('2'), staffId: ID, credentialId: CRED, csrfToken: 'x', createdAt: AT, expiresAt: AT + 1 })],
    ];
    for (const [why, write] of bad) t.throws(write, { code: 'ERR_STORE_INPUT' }, why);
    t.equal(s.listStaff().length, 1);
    t.equal(s.listCredentials(ID).length, 1);
    t.equal(s.countChallenges(AT), 0);
    t.equal(repo.staff.getCredential(CRED)!.counter, 0);
  });

  t.test('links are used once and only the newest works; challenges are taken once, for their purpose and link, before expiry', async (t) => {
    const { s } = await seeded(t, backend);
    s.issueRegistration({ tokenSha256: H('1'), staffId: ID, createdAt: AT, expiresAt: AT + 1000 });
    s.issueRegistration({ tokenSha256: H('2'), staffId: ID, createdAt: AT + 1, expiresAt: AT + 1000 });
    t.equal(s.getRegistration(H('1'))!.usedAt, AT + 1, 'the older link is burned');
    t.equal(s.useRegistration(H('1'), AT + 2), false);
    t.equal(s.useRegistration(H('2'), AT + 1000), false, 'expired');
    t.equal(s.useRegistration(H('2'), AT + 2), true);
    t.equal(s.useRegistration(H('2'), AT + 3), false, 'used');

    s.saveChallenge({ challenge: 'r'.repeat(43), purpose: 'register', tokenSha256: H('2'), createdAt: AT, expiresAt: AT + 100 });
    s.saveChallenge({ challenge: 's'.repeat(43), purpose: 'sign-in', tokenSha256: null, createdAt: AT, expiresAt: AT + 100 });
    t.equal(s.takeChallenge('r'.repeat(43), 'sign-in', null, AT), false, 'a registration challenge cannot sign in');
    t.equal(s.takeChallenge('r'.repeat(43), 'register', H('1'), AT), false, 'nor register through another link');
    t.equal(s.takeChallenge('r'.repeat(43), 'register', H('2'), AT), true);
    t.equal(s.takeChallenge('r'.repeat(43), 'register', H('2'), AT), false, 'taken once');
    t.equal(s.takeChallenge('s'.repeat(43), 'sign-in', null, AT + 100), false, 'expired');
    t.equal(s.pruneStaffState(AT + 100, AT), 1, 'the expired one is pruned');
    t.equal(s.takeChallenge('x'.repeat(500), 'sign-in', null, AT), false, 'an oversized value is not even looked up');
  });

  t.test('revocation ends passkeys, sessions and unused links together; sessions read back with what they are bound to', async (t) => {
    const { s } = await seeded(t, backend);
    s.issueRegistration({ tokenSha256: H('1'), staffId: ID, createdAt: AT, expiresAt: AT + 1000 });
    s.createSession({ sessionSha256: H('3'), staffId: ID, credentialId: CRED, csrfToken: 'k'.repeat(43), createdAt: AT, expiresAt: AT + 1000 });
    s.touchSession(H('3'), AT + 10);
    s.touchSession(H('3'), AT + 5);
    t.match(s.getSession(H('3')), { staff: { staffId: ID, status: 'active' }, credentialId: CRED, credentialRevoked: false, lastSeenAt: AT + 10, expiresAt: AT + 1000 });
    s.createSession({ sessionSha256: H('4'), staffId: ID, credentialId: CRED, csrfToken: 'k'.repeat(43), createdAt: AT, expiresAt: AT + 1000 });
    t.equal(s.pruneStaffState(AT + 11, AT + 5), 1, 'a session unused since before the idle cut-off is swept; the one seen at +10 stays');
    t.equal(s.getSession(H('4')), null);
    t.equal(s.pruneStaffState(AT + 11, AT + 5), 0);
    t.equal(s.revokeStaff(ID, AT + 20), true);
    t.equal(s.revokeStaff(ID, AT + 21), false, 'once');
    t.equal(s.getSession(H('3')), null, 'the session is gone');
    t.equal(s.getCredential(CRED)!.revokedAt, AT + 20);
    t.equal(s.getRegistration(H('1'))!.usedAt, AT + 20, 'the link is burned');
    t.equal(s.useCredential(CRED, 5, AT + 30), false, 'a revoked passkey is never used again');
    t.match(s.getStaff(ID), { status: 'revoked', revokedAt: AT + 20 });
  });

  t.test('a member by id as a StaffIdentity (what the kiosk and the audit actor use): only while active', async (t) => {
    const { s } = await seeded(t, backend);
    const dana = activeStaffIdentity(s, ID);
    t.same(dana, { id: ID, name: 'Dana Desk', role: 'helpdesk' });
    t.same(staffActor(dana!), { kind: 'staff', id: ID, name: 'Dana Desk', role: 'helpdesk' });
    t.equal(activeStaffIdentity(s, 'f'.repeat(32)), null, 'unknown');
    s.revokeStaff(ID, AT + 1);
    t.equal(activeStaffIdentity(s, ID), null, 'revoked');
  });
});
