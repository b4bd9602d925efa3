// `proofgate restore`: unpacks a backup archive (backup-manifest.ts) into a data directory. Everything is
// extracted and checked (every file's size and SHA-256 against the manifest, the configuration valid for
// its new place, the database's integrity) in a staging directory beside the target, and only then
// renamed into place: a bad archive changes nothing. The manifest is checked whole first (check-manifest.ts:
// it is not authenticated, so nothing it names may lead outside the staging directory), and so is the
// archive's configuration (review-restored-config.ts: no code from the data directory, security-relevant
// differences only with --accept-config); run as root, the staged tree is handed to the owner of the
// directory it replaces before the rename (restore-owner.ts). A non-empty target is refused unless --force, which
// moves it aside (DIR.replaced-<time>) rather than deleting it.
// The restored configuration is written to DIR/proofgate.json with server.dataDir = DIR and every path
// that pointed inside the old data directory moved with it; the embedded SoftHSM conf is rewritten for
// the new token directory, so the token is found there.
import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, lchownSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync,
} from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildConfig, resolveDataPath, type ProofgateConfig } from '../../config/index.js';
import { ProofgateError } from '../../core/errors.js';
import { writeSoftHsmConf } from '../../hsm/init-token.js';
import { CONFIG_NAME, DATA_PREFIX, MANIFEST_NAME, type BackupManifest } from './backup-manifest.js';
import { checkManifest } from './check-manifest.js';
import { configDifferences, refuseCodeInsideDataDir, refuseUnacceptedDifferences, type ConfigDifference } from './review-restored-config.js';
import { checkOwnerPossible, chownTree, restoreOwner, type Chown, type Owner } from './restore-owner.js';
import { extractTar } from './tar.js';

export const RESTORED_CONFIG_NAME = 'proofgate.json';

export interface RestoreReport {
  dataDir: string;
  configFile: string;
  /** Where a replaced (--force) target was moved, or null. */
  replacedTo: string | null;
  manifest: BackupManifest;
  /** The owner the restored tree was given (root only); null when restore ran as an ordinary user. */
  chownedTo: Owner | null;
  /** The configuration the restored one was compared with (null: none), and the keys that differ. */
  comparedWith: string | null;
  differences: ConfigDifference[];
}

export interface RestoreOptions {
  from: string;
  dataDir: string;
  force: boolean;
  /** The configuration in use, to compare the restored one with; null: the target's proofgate.json, if any. */
  currentConfigFile?: string | null;
  /** Restore a configuration that differs in security-relevant keys (after the operator has read them). */
  acceptConfig?: boolean;
  /** --owner USER, resolved; null: the owner of the directory replaced (or of the target's parent). */
  owner?: Owner | null;
  /** Whether this process may change ownership (root); injected by tests. */
  isRoot?: boolean;
  chown?: Chown;
  now?: () => number;
}

function refused(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', message, { status: 400 });
}

function sha256File(file: string): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function readManifest(staging: string): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(staging, MANIFEST_NAME), 'utf8'));
  } catch (e) {
    throw refused(`not a proofgate backup: ${MANIFEST_NAME} missing or unreadable (${(e as Error).message})`);
  }
  return checkManifest(raw);
}

/** `rel` (data-dir relative) resolved under `dir`, refused unless it stays strictly inside. */
function inside(dir: string, rel: string): string {
  const p = path.resolve(dir, rel);
  if (!p.startsWith(`${dir}${path.sep}`)) throw refused(`backup manifest: ${rel} is not inside ${dir}`);
  return p;
}

/** Every extracted file is listed in the manifest with its size and SHA-256, and every listed file is there. */
function checkFiles(staging: string, extracted: string[], manifest: BackupManifest): void {
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (const name of extracted) {
    if (name !== MANIFEST_NAME && !listed.has(name)) throw refused(`backup holds ${name}, which its manifest does not list`);
  }
  for (const f of manifest.files) {
    const p = path.join(staging, f.path);
    if (!existsSync(p) || !statSync(p).isFile()) throw refused(`backup lacks ${f.path}, which its manifest lists`);
    if (statSync(p).size !== f.bytes || sha256File(p) !== f.sha256) throw refused(`${f.path} in the backup does not match its manifest (damaged archive)`);
  }
}

/** Absolute paths inside the old data directory move with it; anything else is kept as written. */
function rebase(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') {
    if (value === from) return to;
    return path.isAbsolute(value) && value.startsWith(`${from}${path.sep}`) ? path.join(to, path.relative(from, value)) : value;
  }
  if (Array.isArray(value)) return value.map((v) => rebase(v, from, to));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v, from, to)]));
  }
  return value;
}

function restoredConfig(staging: string, manifest: BackupManifest, target: string): Record<string, unknown> {
  const file = path.join(staging, CONFIG_NAME);
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw refused(`the backup's ${CONFIG_NAME} is not JSON (${(e as Error).message})`);
    }
  }
  const config = rebase(raw, manifest.source.dataDir, target) as Record<string, Record<string, unknown>>;
  config.server = { ...config.server, dataDir: target };
  // A database kept outside the old data directory comes back inside the new one.
  const dbRel = manifest.database.path.slice(DATA_PREFIX.length + 1);
  const dbFile = config.store?.databaseFile;
  if (typeof dbFile === 'string' && path.isAbsolute(dbFile) && !dbFile.startsWith(`${target}${path.sep}`)) {
    config.store = { ...config.store, databaseFile: dbRel };
  }
  return config;
}

/** The configuration to compare the restored one with: the file named, or the one the target holds. */
function currentConfig(file: string | null, target: string): { file: string; config: ProofgateConfig } | null {
  const chosen = file ? path.resolve(file) : path.join(target, RESTORED_CONFIG_NAME);
  if (!file && !existsSync(chosen)) return null;
  let raw: Record<string, Record<string, unknown>>;
  try {
    raw = JSON.parse(readFileSync(chosen, 'utf8')) as Record<string, Record<string, unknown>>;
  } catch (e) {
    throw new ProofgateError('ERR_CONFIG', `${chosen}: cannot read the configuration to compare with (${(e as Error).message})`);
  }
  const current = buildConfig(raw);
  // Compared as if it served the target, so a move of the data directory is no difference.
  const rebased = rebase(raw, resolveDataPath(current.server.dataDir), target) as Record<string, Record<string, unknown>>;
  rebased.server = { ...rebased.server, dataDir: target };
  return { file: chosen, config: buildConfig(rebased) };
}

function checkDatabase(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw refused(`the restored database failed integrity_check: ${String(check)}`);
  } finally {
    db.close();
  }
}

export function restoreBackup(opts: RestoreOptions): RestoreReport {
  const from = path.resolve(opts.from);
  const target = path.resolve(opts.dataDir);
  if (!existsSync(from) || !statSync(from).isFile()) throw refused(`${from}: no such backup file`);
  const targetIsEmpty = !existsSync(target) || (statSync(target).isDirectory() && readdirSync(target).length === 0);
  if (existsSync(target) && !statSync(target).isDirectory()) throw refused(`${target} exists and is not a directory`);
  if (!targetIsEmpty && !opts.force) throw refused(`${target} is not empty; restore into an empty directory, or pass --force to move it aside first`);

  const isRoot = opts.isRoot ?? process.getuid?.() === 0;
  const owner = restoreOwner(target, opts.owner ?? null);
  checkOwnerPossible(owner, Boolean(opts.owner), isRoot);

  let staging: string;
  try {
    const created = mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    // Parents root creates here are the owner's too, or the service could not reach its data directory.
    for (let dir = path.dirname(target); isRoot && created && dir.startsWith(created); dir = path.dirname(dir)) (opts.chown ?? lchownSync)(dir, owner.uid, owner.gid);
    staging = mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.restore-`));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw e;
    throw refused(`cannot stage the restore beside ${target} (${code} in ${path.dirname(target)}): restore stages it there and moves the old `
      + 'directory aside there; run it as root (sudo proofgate restore ...): the restored files get the owner of the directory replaced, or --owner USER');
  }
  try {
    const extracted = extractTar(from, staging);
    const manifest = readManifest(staging);
    checkFiles(staging, extracted, manifest);
    const stagedData = path.join(staging, DATA_PREFIX);
    checkDatabase(path.join(staging, manifest.database.path));
    const config = restoredConfig(staging, manifest, target);
    const built = buildConfig(config); // names the key when the restored configuration is not valid here
    refuseCodeInsideDataDir(built, target);
    const current = currentConfig(opts.currentConfigFile ?? null, target);
    const differences = current ? configDifferences(built, current.config) : [];
    if (current) refuseUnacceptedDifferences(differences, current.file, opts.acceptConfig ?? false);
    writeFileSync(path.join(stagedData, RESTORED_CONFIG_NAME), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    // The SoftHSM conf is rewritten in the staged tree, naming the token directory it will have in place.
    if (manifest.hsm.softhsmConf) {
      const rel = manifest.hsm.softhsmConf.slice(DATA_PREFIX.length + 1);
      writeSoftHsmConf(inside(stagedData, rel), inside(target, rel));
    }

    // Root writes root's files: hand the staged tree to the service's owner before it goes into place.
    if (isRoot) chownTree(stagedData, owner, opts.chown);

    // Everything that can fail has been done; from here only renames, and a failed one is undone.
    let replacedTo: string | null = null;
    const hadEmptyTarget = existsSync(target) && targetIsEmpty;
    if (existsSync(target)) {
      if (targetIsEmpty) {
        rmdirSync(target);
      } else {
        replacedTo = `${target}.replaced-${new Date(opts.now?.() ?? Date.now()).toISOString().replace(/[:.]/g, '-')}`;
        renameSync(target, replacedTo);
      }
    }
    try {
      renameSync(stagedData, target);
    } catch (e) {
      if (replacedTo) renameSync(replacedTo, target);
      else if (hadEmptyTarget) mkdirSync(target, { mode: 0o700 });
      throw e;
    }
    return { dataDir: target, configFile: path.join(target, RESTORED_CONFIG_NAME), replacedTo, manifest, chownedTo: isRoot ? owner : null, comparedWith: current?.file ?? null, differences };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
