// Opens the configured store (store.backend): the one place that turns config into a database path or a
// PostgreSQL connection.
import path from 'node:path';
import { resolveDataPath, type ProofgateConfig } from '../config/index.js';
import type { Logger } from '../core/log.js';
import { openSqliteRepository, type SqliteRepository } from './sqlite-repository.js';
import { openPostgresRepository } from './postgres/open-postgres.js';

export function storeDatabasePath(config: Pick<ProofgateConfig, 'server' | 'store'>): string {
  const file = config.store.databaseFile;
  return path.isAbsolute(file) ? file : path.join(resolveDataPath(config.server.dataDir), file);
}

/** Where the store is, for messages: the SQLite file, or the PostgreSQL database (no password). */
export function storeLocation(config: Pick<ProofgateConfig, 'server' | 'store'>): string {
  if (config.store.backend === 'sqlite') return storeDatabasePath(config);
  const { user, host, port, database } = config.store.postgres;
  return `PostgreSQL ${user}@${host}:${port}/${database}`;
}

/** `log`: where a PostgreSQL store logs losing its connection and getting it back. */
export function openConfiguredRepository(config: Pick<ProofgateConfig, 'server' | 'store'>, now?: () => number, log?: Logger): SqliteRepository {
  if (config.store.backend === 'postgres') return openPostgresRepository(config.store.postgres, { now, log });
  return openSqliteRepository(storeDatabasePath(config), { busyTimeoutMs: config.store.busyTimeoutMs, now });
}
