// store.postgres.tls: the connection to PostgreSQL is TLS, and the server's certificate is checked against
// the configured CA and name. A real PostgreSQL 15 with a certificate from a test CA is started here.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { tempDir } from '../helpers/temp-store.js';
import { openPostgresDatabase } from '../../src/store/postgres/open-postgres.js';

let server: PostgresServer;
t.before(async () => { server = await startPostgres(t, { tls: true }); });

t.test('with tls the connection is encrypted and the certificate checked; another CA or name is refused', async (t) => {
  const database = await server.createDatabase();
  const db = openPostgresDatabase(server.storeOptions(database, { tls: { caFile: server.caFile!, servername: 'localhost' } }));
  t.teardown(() => db.close());
  t.same(db.prepare('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()').get(), { ssl: true }, 'TLS on the wire');
  const plain = openPostgresDatabase(server.storeOptions(database));
  t.teardown(() => plain.close());
  t.same(plain.prepare('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()').get(), { ssl: false }, 'without tls: plain (for a socket or loopback)');

  const otherCa = path.join(tempDir(t), 'other-ca.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${otherCa}.key`, '-out', otherCa, '-days', '1', '-subj', '/CN=other'], { stdio: 'pipe' });
  t.throws(() => openPostgresDatabase(server.storeOptions(database, { tls: { caFile: otherCa, servername: 'localhost' } })),
    { code: 'ERR_STORE', message: /^cannot connect to the PostgreSQL store .*(self.signed|unable to verify|certificate)/i }, 'a certificate from another CA');
  t.throws(() => openPostgresDatabase(server.storeOptions(database, { tls: { caFile: server.caFile!, servername: 'db.example' } })),
    { code: 'ERR_STORE', message: /^cannot connect to the PostgreSQL store .*(Hostname|altnames|does not match)/i }, 'a certificate for another name');
  t.throws(() => openPostgresDatabase(server.storeOptions(database, { tls: { caFile: '/nonexistent/ca.pem', servername: null } })),
    { code: 'ERR_STORE', message: /^cannot read store\.postgres\.tls\.caFile \/nonexistent\/ca\.pem: ENOENT/ });
});
