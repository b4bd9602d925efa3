// `proofgate backup`: one archive (see backup-manifest.ts) written beside its destination as .partial and
// renamed into place once complete, so a failed run leaves no half archive under the name asked for.
// The database is copied through SQLite's online backup API from its own connection, so the appliance may
// keep running; the copy is checked (integrity_check) before it goes into the archive.
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { resolveDataPath, type ProofgateConfig } from '../../config/index.js';
import { ProofgateError } from '../../core/errors.js';
import { hsmPath } from '../../hsm/open-hsm.js';
import { storeDatabasePath } from '../../store/open-store.js';
import { versionInfo } from '../version.js';
import { TarWriter } from './tar.js';
import {
  BACKUP_FORMAT, CONFIG_NAME, DATA_PREFIX, MANIFEST_NAME, externalHsmGuidance, type BackupFile, type BackupManifest,
} from './backup-manifest.js';

export interface BackupReport {
  archive: string;
  manifest: BackupManifest;
  /** What the operator should know: files left out, HSM guidance. */
  notes: string[];
}

const isInside = (dir: string, p: string): boolean => p.startsWith(`${dir}${path.sep}`);
const toArchivePath = (rel: string): string => `${DATA_PREFIX}/${rel.split(path.sep).join('/')}`;

/** Copies the live database into `dest` (created 0600) and checks the copy; returns its schema version and last audit seq. */
async function snapshotDatabase(source: string, dest: string, busyTimeoutMs: number): Promise<{ schemaVersion: number; lastAuditSeq: number }> {
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    closeSync(openSync(dest, 'wx', 0o600));
    await db.backup(dest);
  } finally {
    db.close();
  }
  const copy = new Database(dest, { fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new ProofgateError('ERR_STORE', `the database snapshot failed integrity_check: ${String(check)}`);
    const schemaVersion = (copy.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
    const lastAuditSeq = (copy.prepare('SELECT coalesce(max(seq), 0) AS s FROM audit_records').get() as { s: number }).s;
    // A rollback journal, not WAL, so the archived file is the whole database on its own.
    copy.pragma('journal_mode = DELETE');
    return { schemaVersion, lastAuditSeq };
  } finally {
    copy.close();
  }
}

/** Regular files under `dir` (relative paths, sorted), skipping what `skip` names; symlinks and others are reported. */
function listFiles(dir: string, skip: (abs: string) => boolean, notes: string[]): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const p = path.join(abs, name);
      if (skip(p)) continue;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(path.relative(dir, p));
      else notes.push(`not in the backup: ${p} (not a regular file)`);
    }
  };
  walk(dir);
  return out;
}

export interface BackupOptions {
  out: string;
  /** The configuration file in use (archived as config.json), or null for the embedded defaults. */
  configFile: string | null;
  /**
   * Put the HSM PIN files in the archive. Off by default: the token is encrypted under the user PIN, and an
   * archive holding both is as good as the keys themselves; the PINs belong in a vault, apart from it.
   */
  withPins?: boolean;
}

export async function makeBackup(config: ProofgateConfig, opts: BackupOptions): Promise<BackupReport> {
  const archive = path.resolve(opts.out);
  if (existsSync(archive)) throw new ProofgateError('ERR_BAD_REQUEST', `${archive} exists; choose a new name (a backup never overwrites a file)`, { status: 400 });
  const dataDir = resolveDataPath(config.server.dataDir);
  if (config.store.backend !== 'sqlite') {
    throw new ProofgateError('ERR_STORE', 'proofgate backup copies the SQLite store; with store.backend "postgres" back the database up with PostgreSQL\'s own tools (pg_dump, base backups)');
  }
  const database = storeDatabasePath(config);
  if (!existsSync(database)) throw new ProofgateError('ERR_STORE', `no database at ${database}; nothing to back up (run "proofgate init" first)`);
  if (isInside(dataDir, archive)) {
    throw new ProofgateError('ERR_BAD_REQUEST', `${archive} is inside the data directory ${dataDir}; write backups elsewhere (each would be copied into the next)`, { status: 400 });
  }
  const configFile = opts.configFile ? path.resolve(opts.configFile) : null;
  const notes: string[] = [];

  mkdirSync(path.dirname(archive), { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(path.join(path.dirname(archive), '.proofgate-backup-'));
  const partial = `${archive}.partial`;
  try {
    const snapshot = path.join(staging, 'database.sqlite');
    const db = await snapshotDatabase(database, snapshot, config.store.busyTimeoutMs);
    const dbRel = isInside(dataDir, database) ? path.relative(dataDir, database) : path.basename(database);

    const softhsmConf = config.hsm.softhsmConf === null ? null : hsmPath(dataDir, config.hsm.softhsmConf);
    if (softhsmConf === null) notes.push(externalHsmGuidance(config.hsm.tokenLabel, config.hsm.keyLabelPrefix));
    else if (!isInside(dataDir, softhsmConf)) notes.push(`not in the backup: the SoftHSM token store of ${softhsmConf} (outside ${dataDir}); back it up with the host`);
    const pinsLeftOut: string[] = [];
    for (const f of [config.hsm.pinFile, config.hsm.soPinFile]) {
      const p = f === null ? null : hsmPath(dataDir, f);
      if (p && !isInside(dataDir, p)) notes.push(`not in the backup: ${p} (outside ${dataDir}); back it up with the host`);
      else if (p && !opts.withPins && existsSync(p)) pinsLeftOut.push(p);
    }
    if (pinsLeftOut.length) {
      notes.push(`PIN files left out: ${pinsLeftOut.join(', ')}; keep the PINs in your vault, apart from this archive (a restore needs them; --with-pins puts them in)`);
    } else if (opts.withPins && softhsmConf !== null && isInside(dataDir, softhsmConf)) {
      notes.push('WARNING: --with-pins: this archive holds the SoftHSM token AND the PINs that open it: whoever reads it has the signing, wrapping and audit MAC keys; store it encrypted, off the host');
    }

    const skipped = new Set([database, `${database}-wal`, `${database}-shm`, `${database}-journal`, archive, partial, staging, configFile, ...pinsLeftOut]);
    const skip = (p: string): boolean => skipped.has(p) || p.endsWith('.log') || /^\.proofgate-backup-|\.partial$/.test(path.basename(p));
    const dataFiles = existsSync(dataDir) ? listFiles(dataDir, skip, notes) : [];

    const fd = openSync(partial, 'wx', 0o600);
    const files: BackupFile[] = [];
    try {
      const tar = new TarWriter(fd);
      if (configFile) files.push({ path: CONFIG_NAME, ...tar.addFile(CONFIG_NAME, configFile) });
      files.push({ path: toArchivePath(dbRel), ...tar.addFile(toArchivePath(dbRel), snapshot) });
      for (const rel of dataFiles) files.push({ path: toArchivePath(rel), ...tar.addFile(toArchivePath(rel), path.join(dataDir, rel)) });
      const { version, commit } = versionInfo();
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        createdAt: new Date().toISOString(),
        proofgate: { version, commit },
        source: { dataDir, configFile },
        database: { path: toArchivePath(dbRel), ...db },
        hsm: {
          kind: softhsmConf === null ? 'external' : 'embedded-softhsm',
          tokenLabel: config.hsm.tokenLabel,
          softhsmConf: softhsmConf !== null && isInside(dataDir, softhsmConf) ? toArchivePath(path.relative(dataDir, softhsmConf)) : null,
          pinsLeftOut: pinsLeftOut.map((p) => path.relative(dataDir, p)),
        },
        files,
      };
      tar.addBuffer(MANIFEST_NAME, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
      tar.finish();
      fsyncSync(fd);
      closeSync(fd);
      renameSync(partial, archive);
      return { archive, manifest, notes };
    } catch (e) {
      try { closeSync(fd); } catch { /* already closed */ }
      rmSync(partial, { force: true });
      throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
