// The shape of a backup's manifest.json, checked whole before restore acts on any of it. The manifest is
// not authenticated (anyone can write an archive), so every field restore reads is checked here: types,
// the known HSM kinds, and every path it names a plain relative archive path under data/ (the rule the
// archive's own entry names follow), so nothing it names can lead restore outside its staging directory.
import { ProofgateError } from '../../core/errors.js';
import { BACKUP_FORMAT, CONFIG_NAME, DATA_PREFIX, type BackupManifest } from './backup-manifest.js';
import { safeName } from './tar.js';

const HSM_KINDS: ReadonlyArray<BackupManifest['hsm']['kind']> = ['embedded-softhsm', 'external'];
const MAX_TEXT = 4096;

function refused(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', `backup manifest: ${message}`, { status: 400 });
}

function object(what: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw refused(`${what} is missing or not an object`);
  return v as Record<string, unknown>;
}

function text(what: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_TEXT) throw refused(`${what} is missing or not a string`);
  return v;
}

function count(what: string, v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw refused(`${what} is not a non-negative integer`);
  return v as number;
}

/** A plain relative path (no "..", ".", empty or absolute segment); under data/ unless `under` is null. */
export function manifestPath(what: string, v: unknown, under: string | null = DATA_PREFIX): string {
  const p = text(what, v);
  try {
    if (safeName(p) !== p) throw new Error('trailing slash');
  } catch {
    throw refused(`${what} ${JSON.stringify(p)} is not a plain relative path`);
  }
  if (under !== null && !p.startsWith(`${under}/`)) throw refused(`${what} ${JSON.stringify(p)} is not under ${under}/`);
  return p;
}

/** `raw` (parsed manifest.json) checked whole; throws ERR_BAD_REQUEST naming the first bad field. */
export function checkManifest(raw: unknown): BackupManifest {
  const m = object('the manifest', raw);
  if (m.format !== BACKUP_FORMAT) throw new ProofgateError('ERR_BAD_REQUEST', `unknown backup format ${JSON.stringify(m.format)} (this proofgate reads ${BACKUP_FORMAT})`, { status: 400 });
  const proofgate = object('proofgate', m.proofgate);
  const source = object('source', m.source);
  const database = object('database', m.database);
  const hsm = object('hsm', m.hsm);
  if (!Array.isArray(m.files)) throw refused('files is missing or not a list');
  const files = m.files.map((f, i) => {
    const o = object(`files[${i}]`, f);
    const p = o.path === CONFIG_NAME ? CONFIG_NAME : manifestPath(`files[${i}].path`, o.path);
    const sha256 = text(`files[${i}].sha256`, o.sha256);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw refused(`files[${i}].sha256 is not a SHA-256`);
    return { path: p, bytes: count(`files[${i}].bytes`, o.bytes), sha256 };
  });
  const listed = new Set(files.map((f) => f.path));
  if (listed.size !== files.length) throw refused('files lists a path twice');

  const kind = hsm.kind as BackupManifest['hsm']['kind'];
  if (!HSM_KINDS.includes(kind)) throw refused(`hsm.kind ${JSON.stringify(hsm.kind)} is not one of ${HSM_KINDS.join(', ')}`);
  let softhsmConf: string | null = null;
  if (hsm.softhsmConf !== null) {
    softhsmConf = manifestPath('hsm.softhsmConf', hsm.softhsmConf);
    if (kind !== 'embedded-softhsm') throw refused('hsm.softhsmConf is set for an external HSM');
    if (!listed.has(softhsmConf)) throw refused(`hsm.softhsmConf ${softhsmConf} is not a file the manifest lists`);
  }
  if (!Array.isArray(hsm.pinsLeftOut)) throw refused('hsm.pinsLeftOut is missing or not a list');
  // PIN paths are data-dir relative (no data/ prefix): restore prints where to put them back.
  const pinsLeftOut = hsm.pinsLeftOut.map((p, i) => manifestPath(`hsm.pinsLeftOut[${i}]`, p, null));

  const dbPath = manifestPath('database.path', database.path);
  if (!listed.has(dbPath)) throw refused(`database.path ${dbPath} is not a file the manifest lists`);
  const configFile = source.configFile === null ? null : text('source.configFile', source.configFile);
  return {
    format: BACKUP_FORMAT,
    createdAt: text('createdAt', m.createdAt),
    proofgate: { version: text('proofgate.version', proofgate.version), commit: text('proofgate.commit', proofgate.commit) },
    source: { dataDir: text('source.dataDir', source.dataDir), configFile },
    database: { path: dbPath, schemaVersion: count('database.schemaVersion', database.schemaVersion), lastAuditSeq: count('database.lastAuditSeq', database.lastAuditSeq) },
    hsm: { kind, tokenLabel: text('hsm.tokenLabel', hsm.tokenLabel), softhsmConf, pinsLeftOut },
    files,
  };
}
