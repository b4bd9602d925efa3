// Opens the configured store: the one place that turns config into a database path.
import path from 'node:path';
import { resolveDataPath, type ProofgateConfig } from '../config/index.js';
import { openSqliteRepository, type SqliteRepository } from './sqlite-repository.js';

export function storeDatabasePath(config: Pick<ProofgateConfig, 'server' | 'store'>): string {
  const file = config.store.databaseFile;
  return path.isAbsolute(file) ? file : path.join(resolveDataPath(config.server.dataDir), file);
}

export function openConfiguredRepository(config: Pick<ProofgateConfig, 'server' | 'store'>, now?: () => number): SqliteRepository {
  return openSqliteRepository(storeDatabasePath(config), { busyTimeoutMs: config.store.busyTimeoutMs, now });
}
