import t from 'tap';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { auditBody, chainHash } from '../../src/audit/chain.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { syslogMessage } from '../../src/audit/feed/syslog-message.js';
import type { AuditActor } from '../../src/core/domain.js';
import { auditFixture } from '../helpers/audit-fixture.js';
import { auditEntryFixture } from '../helpers/store-fixtures.js';

const AGENT: AuditActor = { kind: 'staff', id: 'st_0123456789abcdef', name: 'Alex Agent', role: 'helpdesk' };

t.test('an act by a staff member names them in the chained record; a record without an actor hashes as before', async (t) => {
  const { repo, trail, trusted } = await auditFixture(t);
  trail.record(auditEntryFixture(1));
  trail.record({ ...auditEntryFixture(2), flow: 'helpdesk', decision: 'changed', actor: AGENT });
  const [plain, acted] = [...repo.auditRecords()];
  t.notOk('actor' in plain, 'a verification record carries no actor field at all');
  t.notMatch(canonicalJson(auditBody(plain)), /actor/, 'so its hashed bytes are those of a record written before actors existed');
  t.same(acted.actor, AGENT, 'the actor is stored and read back');
  t.equal(acted.hash, chainHash(plain.hash, auditBody(acted)), 'and it is part of the hashed body');
  t.match(canonicalJson(auditBody(acted)), /"actor":\{"id":"st_0123456789abcdef","kind":"staff"/);
  t.ok(verifyAuditChain(repo, trusted).ok);
  const line = syslogMessage(acted, { facility: 'auth', hostname: 'h', appName: 'proofgate', procId: '1' }).toString('utf8');
  t.match(line, /helpdesk\.changed \[[^\]]*actorKind="staff" actorId="st_0123456789abcdef" actorRole="helpdesk"/, 'the SIEM feed names who acted');
});

t.test('an edited actor breaks the chain at that record', async (t) => {
  const { repo, trail, trusted } = await auditFixture(t);
  const db = repo.database;
  trail.record({ ...auditEntryFixture(1), flow: 'staff', decision: 'changed', actor: AGENT });
  trail.record(auditEntryFixture(2));
  db.exec('DROP TRIGGER audit_records_no_update');
  db.prepare('UPDATE audit_records SET actor_json = ? WHERE seq = 1').run(JSON.stringify({ ...AGENT, id: 'st_somebodyelse00000' }));
  t.match(verifyAuditChain(repo, trusted), { ok: false, problem: { seq: 1 } });
});

t.test('malformed actors and mismatched flows are refused before anything is written', async (t) => {
  const { repo, trail } = await auditFixture(t);
  const bad: [string, unknown, RegExp][] = [
    ['unknown kind', { ...AGENT, kind: 'root' }, /actor\.kind/],
    ['extra field', { ...AGENT, password: 'x' }, /actor\.password/],
    ['empty name', { ...AGENT, name: '' }, /actor\.name/],
    ['huge role', { ...AGENT, role: 'r'.repeat(101) }, /actor\.role/],
    ['control character', { ...AGENT, name: 'Alex\nAgent' }, /actor\.name/],
    ['null', null, /actor/],
  ];
  for (const [what, actor, message] of bad) {
    t.throws(() => trail.record({ ...auditEntryFixture(1), flow: 'staff', decision: 'changed', actor: actor as AuditActor }), { code: 'ERR_AUDIT_ENTRY', message }, what);
  }
  t.throws(() => trail.record({ ...auditEntryFixture(1), flow: 'staff', decision: 'verified' }), { code: 'ERR_AUDIT_ENTRY', message: /decision/ },
    'an act on the appliance always decides `changed`');
  t.throws(() => trail.record({ ...auditEntryFixture(1), flow: 'returning', decision: 'changed' }), { code: 'ERR_AUDIT_ENTRY' },
    'and a verification never does');
  t.equal([...repo.auditRecords()].length, 0);
});
