// Runs a store test suite against both backends: the SQLite file (the embedded default) and a real
// PostgreSQL started for the test file (postgres-server.ts; only when a PostgreSQL test runs). Each test
// gets a fresh, migrated store, closed when it ends.
import type { Test } from 'tap';
import { openSqliteRepository, type SqlRepository, type SqliteRepositoryOptions } from '../../src/store/sqlite-repository.js';
import { openPostgresRepository, type PostgresStoreOptions } from '../../src/store/postgres/open-postgres.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';
import { tempRepository } from './temp-store.js';

export type StoreBackendName = 'sqlite' | 'postgres';

export interface TempStore {
  repo: SqlRepository;
  /** Another connection to the same store, as a second process would hold (closed with the test). */
  another(): SqlRepository;
  /** Runs SQL behind the store's back, as someone with direct database access would. */
  raw(sql: string): Promise<unknown>;
  /** Where another process finds the store: the SQLite file, or the PostgreSQL store options. */
  location: string | PostgresStoreOptions;
}

export interface StoreBackend {
  name: StoreBackendName;
  temp(t: Teardown, opts?: Pick<SqliteRepositoryOptions, 'now'>): Promise<TempStore>;
}

export interface Teardown { teardown(fn: () => void): void }

export const sqliteBackend: StoreBackend & { over(t: Teardown, repo: SqlRepository, file: string): TempStore } = {
  name: 'sqlite',
  async temp(t, opts = {}) {
    const { repo, file } = tempRepository(t, opts);
    return sqliteBackend.over(t, repo, file);
  },
  /** The TempStore view of a SQLite repository opened on `file`. */
  over(t, repo, file) {
    return {
      repo,
      another() {
        const other = openSqliteRepository(file);
        t.teardown(() => other.close());
        return other;
      },
      raw: async (sql) => repo.database.prepare(sql).run(),
      location: file,
    };
  },
};

/** A PostgreSQL backend whose server starts at its first use and stops when `fileTap` ends. */
export function postgresBackend(fileTap: Teardown): StoreBackend & { server(): Promise<PostgresServer> } {
  let server: Promise<PostgresServer> | undefined;
  let template: Promise<string> | undefined;
  const serverOnce = () => (server ??= startPostgres(fileTap));
  // One database migrated once; each test's database is a copy of it (CREATE DATABASE ... TEMPLATE).
  const migratedTemplate = async (s: PostgresServer) => {
    const name = await s.createDatabase();
    openPostgresRepository(s.storeOptions(name)).close();
    return name;
  };
  return {
    name: 'postgres',
    server: serverOnce,
    async temp(t, opts = {}) {
      const s = await serverOnce();
      const source = await (template ??= migratedTemplate(s));
      const database = await s.createDatabase(source);
      const repo = openPostgresRepository(s.storeOptions(database), opts);
      t.teardown(() => repo.close());
      return {
        repo,
        another() {
          const other = openPostgresRepository(s.storeOptions(database));
          t.teardown(() => other.close());
          return other;
        },
        raw: (sql) => s.query(database, sql),
        location: s.storeOptions(database),
      };
    },
  };
}

/** Runs `suite` once per backend, each as a subtest named after it. */
export function forEachStoreBackend(t: Test, suite: (t: Test, backend: StoreBackend) => void): void {
  const postgres = postgresBackend(t);
  for (const backend of [sqliteBackend, postgres]) {
    t.test(backend.name, async (t) => suite(t, backend));
  }
}
