// `proofgate station add|list|revoke` over a real SQLite store and the real audit trail: a P-256 or RSA key
// is registered and its id printed, every change is one audit record (flow station, decision changed) that
// names the station, its key and the operator, and the chain still verifies. Keys of any other kind or size,
// malformed names and ids, and a key registered twice are refused with a message and change nothing.
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stationCommand, type StationRuntime, type StationSubcommand } from '../../src/cli/commands/station.js';
import { runCli } from '../../src/cli/main.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { auditFixture } from '../helpers/audit-fixture.js';
import { tempDir } from '../helpers/temp-store.js';
import { stationKeyPair } from '../helpers/test-station.js';

const AT = Date.UTC(2026, 5, 1, 9, 0, 0);

async function setup(t: Parameters<typeof auditFixture>[0]) {
  const fx = await auditFixture(t, {}, { now: () => AT });
  const dir = tempDir(t, 'proofgate-station-cli-');
  const out: string[] = [];
  let opened = 0;
  const runtime = async (): Promise<StationRuntime> => {
    opened += 1;
    return { repository: fx.repo, openAudit: async () => ({ audit: fx.trail, close: () => fx.trail.flush() }), now: () => AT, close: () => undefined };
  };
  const run = (sub: StationSubcommand, args: string[]) => stationCommand(sub, args, runtime, { out: (l) => out.push(l), err: (l) => out.push(l) });
  const keyFile = (name: string, pem: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, pem);
    return file;
  };
  return { ...fx, run, out, keyFile, opened: () => opened };
}

t.test('add a P-256 and an RSA station, list them, revoke one: each change audited, the chain verifies', async (t) => {
  const fx = await setup(t);
  const p256 = fx.keyFile('p256.pem', stationKeyPair('ES256').publicKeyPem);
  t.equal(await fx.run('add', ['Reception kiosk 1', '--public-key', p256, '--by', 'Desk Officer 7']), 0);
  const [id, line] = fx.out.splice(0);
  t.match(id, /^[0-9a-f]{32}$/, 'the station id is printed alone on the first line');
  t.match(line, new RegExp(`^station ${id} added: "Reception kiosk 1", ES256, SPKI SHA-256 [0-9a-f]{64}; audit record 1$`));
  const station = fx.repo.getStation(id)!;
  t.match(station, { name: 'Reception kiosk 1', algorithm: 'ES256', createdAt: AT, revokedAt: null });
  const added = fx.repo.lastAuditRecord()!;
  t.match(added, { seq: 1, sessionId: null, tid: 'station', oid: id, flow: 'station', decision: 'changed', evidenceSha256: [] });
  t.same(added.checks, [{
    name: 'station-add', score: null, threshold: null, outcome: 'pass',
    reason: `station ${id} ("Reception kiosk 1") added by Desk Officer 7: ECDSA P-256 key, SPKI SHA-256 ${station.keySha256}`,
  }]);

  const rsa = fx.keyFile('rsa.pem', stationKeyPair('RS256', 3072).publicKeyPem);
  t.equal(await fx.run('add', ['Enrolment desk', '--public-key', rsa]), 0);
  const rsaId = fx.out.splice(0)[0];
  t.match(fx.repo.getStation(rsaId), { algorithm: 'RS256' });
  t.match(fx.repo.lastAuditRecord()!.checks[0].reason, /added by an operator who gave no name: RSA 3072 key/);

  t.equal(await fx.run('list', []), 0);
  t.equal(fx.out[0], 'ID  NAME  ALGORITHM  KEY SHA-256  ADDED  REVOKED');
  // Both were added at the same instant: the list orders them by id then.
  t.match(fx.out.find((l) => l.startsWith(id)), new RegExp(`^${id}  "Reception kiosk 1"  ES256  ${station.keySha256}  2026-06-01T09:00:00Z  -$`));
  t.equal(fx.out.length, 4, 'header, two stations, total');
  t.equal(fx.out.at(-1), '2 station(s), 2 active');
  fx.out.length = 0;

  t.equal(await fx.run('revoke', [id.toUpperCase(), '--by', 'Security Officer']), 0, 'ids are matched case-insensitively');
  t.match(fx.out.pop(), new RegExp(`^station ${id} \\("Reception kiosk 1"\\) revoked at 2026-06-01T09:00:00Z: its signatures are refused from now on; audit record 3$`));
  t.equal(fx.repo.getStation(id)!.revokedAt, AT);
  t.match(fx.repo.lastAuditRecord()!, { seq: 3, flow: 'station', decision: 'changed', oid: id, checks: [{ name: 'station-revoke', reason: `station ${id} ("Reception kiosk 1") revoked by Security Officer` }] });

  t.equal(await fx.run('list', ['--json']), 0);
  const listed = (JSON.parse(fx.out.pop()!) as { stations: Array<{ id: string }> }).stations;
  t.match(listed.find((s) => s.id === id), { name: 'Reception kiosk 1', algorithm: 'ES256', addedAt: '2026-06-01T09:00:00Z', revokedAt: '2026-06-01T09:00:00Z' });
  t.match(listed.find((s) => s.id === rsaId), { name: 'Enrolment desk', algorithm: 'RS256', revokedAt: null });
  await fx.trail.flush();
  t.match(await verifyAuditChain(fx.repo, fx.trusted, { macKeys: fx.macKeys }), { ok: true, records: 3 });
});

t.test('keys of any other kind or size, and malformed input, are refused with a message; nothing is written', async (t) => {
  const fx = await setup(t);
  const pem = (kind: string, opts: object) => (generateKeyPairSync as (k: string, o: object) => { publicKey: { export(o: object): string } })(kind, opts).publicKey.export({ format: 'pem', type: 'spki' });
  const p256 = stationKeyPair('ES256');
  const cases: Array<[string, string[], string, RegExp]> = [
    ['RSA 1024', ['k', '--public-key', fx.keyFile('rsa1024.pem', pem('rsa', { modulusLength: 1024 }))], 'ERR_BAD_REQUEST', /^the station key is RSA 1024; at least 2048 bits are required$/],
    ['RSA 4104', ['k', '--public-key', fx.keyFile('rsa4104.pem', pem('rsa', { modulusLength: 4104 }))], 'ERR_BAD_REQUEST', /^the station key is RSA 4104; at most 4096 bits are accepted$/],
    ['P-384', ['k', '--public-key', fx.keyFile('p384.pem', pem('ec', { namedCurve: 'secp384r1' }))], 'ERR_BAD_REQUEST', /^the station key is ECDSA on secp384r1; only P-256 \(prime256v1\) is accepted$/],
    ['secp256k1', ['k', '--public-key', fx.keyFile('k1.pem', pem('ec', { namedCurve: 'secp256k1' }))], 'ERR_BAD_REQUEST', /ECDSA on secp256k1; only P-256/],
    ['Ed25519', ['k', '--public-key', fx.keyFile('ed.pem', pem('ed25519', {}))], 'ERR_BAD_REQUEST', /^the station key is ed25519; only ECDSA P-256 or RSA \(2048-4096 bits\) is accepted$/],
    ['RSA-PSS key', ['k', '--public-key', fx.keyFile('pss.pem', pem('rsa-pss', { modulusLength: 2048 }))], 'ERR_BAD_REQUEST', /^the station key is rsa-pss; only ECDSA P-256 or RSA/],
    ['a private key', ['k', '--public-key', fx.keyFile('priv.pem', p256.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string)], 'ERR_BAD_REQUEST', /must be one SPKI public key in PEM/],
    ['not PEM', ['k', '--public-key', fx.keyFile('junk.pem', 'hello\n')], 'ERR_BAD_REQUEST', /must be one SPKI public key in PEM/],
    ['corrupt PEM body', ['k', '--public-key', fx.keyFile('bad.pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')], 'ERR_BAD_REQUEST', /could not be read as an SPKI public key/],
    ['no such file', ['k', '--public-key', '/nonexistent/key.pem'], 'ERR_BAD_REQUEST', /cannot read the public key file \/nonexistent\/key\.pem: ENOENT/],
    ['no --public-key', ['k'], 'ERR_USAGE', /--public-key FILE is required/],
    ['no name', ['--public-key', fx.keyFile('ok.pem', p256.publicKeyPem)], 'ERR_USAGE', /the station NAME is required/],
    ['a name with a line break', ['kiosk\nforged="x"', '--public-key', fx.keyFile('ok2.pem', p256.publicKeyPem)], 'ERR_BAD_REQUEST', /the station name must be 1\.\.100 printable characters/],
    ['an operator with a control character', ['k', '--public-key', fx.keyFile('ok3.pem', p256.publicKeyPem), '--by', 'a\u0007b'], 'ERR_BAD_REQUEST', /the operator name \(--by\) must be/],
  ];
  for (const [label, args, code, message] of cases) {
    await t.rejects(fx.run('add', args), { code, message }, label);
  }
  t.equal(fx.opened(), 0, 'refused before the store or the HSM was opened');
  await t.rejects(fx.run('revoke', ['not-an-id']), { code: 'ERR_BAD_REQUEST', message: /the station id must be 32 hexadecimal characters/ });
  await t.rejects(fx.run('revoke', []), { code: 'ERR_USAGE', message: /the station ID is required/ });
  await t.rejects(fx.run('revoke', ['0'.repeat(32)]), { code: 'ERR_NOT_FOUND', message: `no station ${'0'.repeat(32)} is registered` });

  // The same key twice, and a second revocation.
  t.equal(await fx.run('add', ['First', '--public-key', fx.keyFile('one.pem', p256.publicKeyPem)]), 0);
  const id = fx.out.splice(0)[0];
  await t.rejects(fx.run('add', ['Second', '--public-key', fx.keyFile('one-again.pem', p256.publicKeyPem)]), {
    code: 'ERR_BAD_REQUEST', message: `this public key is already registered, for station ${id} ("First"); every station needs its own key`,
  });
  t.equal(await fx.run('revoke', [id]), 0);
  await t.rejects(fx.run('revoke', [id]), { code: 'ERR_BAD_REQUEST', message: `station ${id} ("First") is already revoked` });
  t.equal(fx.repo.listStations().length, 1, 'only the one station');
  t.equal(fx.repo.lastAuditRecord()!.seq, 2, 'two records: its add and its revocation');
});

t.test('through the command table: --help answers without running, unknown flags and extra arguments exit 2', async (t) => {
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
  t.equal(await runCli(['station', 'add', '--help'], io), 0);
  t.match(out.pop(), /^usage: proofgate station add NAME --public-key FILE \[--by NAME\] \[--config FILE\]/);
  t.equal(await runCli(['station', 'add', 'k', '--public-key', 'f', '--algorithm', 'x'], io), 2);
  t.match(out.pop(), /^proofgate station add: Unknown option '--algorithm'/);
  t.equal(await runCli(['station', 'list', 'extra'], io), 2);
  t.match(out.pop(), /^proofgate station list: unexpected argument "extra"/);
  t.equal(await runCli(['station'], io), 2);
  t.match(out.pop(), /^usage: proofgate station <add\|list\|revoke> \[options\]/);
});
