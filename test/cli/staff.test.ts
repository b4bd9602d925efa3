// `proofgate staff add|list|revoke|link` over a real SQLite store and the real audit trail: add prints the id
// and a one-time registration link under the public URL (only its SHA-256 is stored), link replaces it,
// revoke ends the member's passkeys, sessions and links at once; each change is one audit record (flow staff,
// decision changed, no actor: the CLI is the appliance's own operator) and the chain still verifies. Bad
// names, roles and ids are refused before the store or the HSM opens, and change nothing.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { staffCommand, type StaffRuntime, type StaffSubcommand } from '../../src/cli/commands/staff.js';
import { runCli } from '../../src/cli/main.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { sha256Hex } from '../../src/core/secrets.js';
import { auditFixture } from '../helpers/audit-fixture.js';

const AT = Date.UTC(2026, 5, 1, 9, 0, 0);

async function setup(t: Parameters<typeof auditFixture>[0], publicBaseUrl = 'https://verify.example.org') {
  const fx = await auditFixture(t, {}, { now: () => AT });
  const config = buildConfig({ server: { publicBaseUrl } });
  const out: string[] = [];
  const err: string[] = [];
  let opened = 0;
  const runtime = async (): Promise<StaffRuntime> => {
    opened += 1;
    return { config, repository: fx.repo, openAudit: async () => ({ audit: fx.trail, close: () => fx.trail.flush() }), now: () => AT, close: () => undefined };
  };
  const run = (sub: StaffSubcommand, args: string[]) => staffCommand(sub, args, runtime, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { ...fx, run, out, err, opened: () => opened };
}

t.test('add, link, list and revoke: each change audited, only token hashes stored, the chain verifies', async (t) => {
  const fx = await setup(t);
  t.equal(await fx.run('add', ['  Dana Desk ', '--role', 'helpdesk']), 0);
  const [added, link, note] = fx.out.splice(0);
  const id = /^staff ([0-9a-f]{32}) added: "Dana Desk", helpdesk; audit record 1$/.exec(added)?.[1];
  t.ok(id, added);
  const token = /^https:\/\/verify\.example\.org\/staff\/register\/([A-Za-z0-9_-]{43})$/.exec(link)?.[1];
  t.ok(token, link);
  t.equal(note, 'one-time registration link, valid until 2026-06-02T09:00:00Z: give it to the staff member only (whoever opens it first registers a passkey)');
  t.match(fx.repo.staff.getRegistration(sha256Hex(token!)), { staffId: id, createdAt: AT, expiresAt: AT + 24 * 3600 * 1000, usedAt: null });
  t.match(fx.repo.lastAuditRecord(), { seq: 1, tid: 'staff', oid: id, flow: 'staff', decision: 'changed', sessionId: null, evidenceSha256: [] });
  t.equal(fx.repo.lastAuditRecord()!.actor, undefined, 'the CLI acts without an actor');
  t.match(fx.repo.lastAuditRecord()!.checks, [{ name: 'staff-add', outcome: 'pass', reason: `staff ${id} ("Dana Desk", helpdesk) added from the command line; registration link valid until 2026-06-02T09:00:00.000Z` }]);
  const raw = (fx.repo as unknown as { database: { prepare(s: string): { all(): unknown[] } } }).database.prepare('SELECT * FROM staff_registrations').all();
  t.notMatch(JSON.stringify(raw), token!, 'the token itself is stored nowhere');

  t.equal(await fx.run('link', [id!.toUpperCase()]), 0, 'ids are matched case-insensitively');
  const [relinked, link2] = fx.out.splice(0);
  t.match(relinked, new RegExp(`^new registration link for staff ${id} \\("Dana Desk"\\); earlier unused links no longer work; audit record 2$`));
  t.not(link2, link);
  t.match(fx.repo.staff.getRegistration(sha256Hex(token!)), { usedAt: AT }, 'the first link is burned');

  t.equal(await fx.run('add', ['Ada Admin', '--role', 'admin']), 0);
  fx.out.length = 0;
  t.equal(await fx.run('list', []), 0);
  t.equal(fx.out[0], 'ID  NAME  ROLE  STATUS  PASSKEYS  ADDED  LAST SIGN-IN  REVOKED');
  t.match(fx.out.find((l) => l.startsWith(id!)), new RegExp(`^${id}  "Dana Desk"  helpdesk  active  0  2026-06-01T09:00:00Z  -  -$`));
  t.equal(fx.out.at(-1), '2 staff member(s), 2 active');
  fx.out.length = 0;

  t.equal(await fx.run('revoke', [id!]), 0);
  t.match(fx.out.pop(), new RegExp(`^staff ${id} \\("Dana Desk"\\) revoked at 2026-06-01T09:00:00Z: passkeys and sessions ended; audit record 4$`));
  t.match(fx.repo.staff.getStaff(id!), { status: 'revoked', revokedAt: AT });
  t.match(fx.repo.lastAuditRecord()!.checks, [{ name: 'staff-revoke', reason: `staff ${id} ("Dana Desk", helpdesk) revoked from the command line: 0 passkey(s) and every session ended` }]);
  await t.rejects(fx.run('revoke', [id!]), { code: 'ERR_BAD_REQUEST', message: `staff member ${id} ("Dana Desk") is revoked` });
  await t.rejects(fx.run('link', [id!]), { code: 'ERR_BAD_REQUEST', message: /is revoked/ }, 'no link for a revoked member');

  t.equal(await fx.run('list', ['--json']), 0);
  const listed = (JSON.parse(fx.out.pop()!) as { staff: Array<{ id: string }> }).staff;
  t.match(listed.find((s) => s.id === id), { name: 'Dana Desk', role: 'helpdesk', status: 'revoked', passkeys: 0, lastSignInAt: null, revokedAt: '2026-06-01T09:00:00Z' });
  await fx.trail.flush();
  t.match(await verifyAuditChain(fx.repo, fx.trusted, { macKeys: fx.macKeys }), { ok: true, records: 4 });
});

t.test('bad names, roles and ids are refused with a message before the store opens; nothing is written', async (t) => {
  const fx = await setup(t);
  const cases: Array<[string, StaffSubcommand, string[], string, RegExp]> = [
    ['no name', 'add', ['--role', 'admin'], 'ERR_USAGE', /the staff member's NAME is required/],
    ['no role', 'add', ['Dana'], 'ERR_USAGE', /--role is required/],
    ['an unknown role', 'add', ['Dana', '--role', 'root'], 'ERR_BAD_REQUEST', /^the role must be one of helpdesk, kiosk-operator, admin$/],
    ['a name with a line break', 'add', ['Dana\nforged', '--role', 'admin'], 'ERR_BAD_REQUEST', /must be 1\.\.100 printable characters/],
    ['a name too long', 'add', ['x'.repeat(101), '--role', 'admin'], 'ERR_BAD_REQUEST', /must be 1\.\.100 printable characters/],
    ['a malformed id', 'revoke', ['not-an-id'], 'ERR_BAD_REQUEST', /the staff id must be 32 hexadecimal characters/],
    ['no id', 'link', [], 'ERR_USAGE', /the staff ID is required/],
  ];
  for (const [label, sub, args, code, message] of cases) await t.rejects(fx.run(sub, args), { code, message }, label);
  t.equal(fx.opened(), 0, 'refused before the store or the HSM was opened');
  await t.rejects(fx.run('revoke', ['0'.repeat(32)]), { code: 'ERR_NOT_FOUND', message: `no staff member ${'0'.repeat(32)}` });
  t.same(fx.repo.staff.listStaff(), []);
  t.equal(fx.repo.lastAuditRecord(), null);
});

t.test('an IP-address public URL: the link is printed with a warning that browsers will refuse it', async (t) => {
  const fx = await setup(t, 'http://127.0.0.1:8443');
  t.equal(await fx.run('add', ['Dana', '--role', 'kiosk-operator']), 0);
  t.match(fx.out[1], /^http:\/\/127\.0\.0\.1:8443\/staff\/register\//);
  t.match(fx.err, [/^warning: server\.publicBaseUrl is an IP address/]);
});

t.test('through the command table', async (t) => {
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
  t.equal(await runCli(['staff', 'add', '--help'], io), 0);
  t.match(out.pop(), /^usage: proofgate staff add NAME --role helpdesk\|kiosk-operator\|admin \[--config FILE\]/);
  t.equal(await runCli(['staff', 'revoke', 'a', 'b'], io), 2);
  t.equal(await runCli(['staff'], io), 2);
  t.match(out.pop(), /^usage: proofgate staff <add\|list\|revoke\|link> \[options\]/);
});
