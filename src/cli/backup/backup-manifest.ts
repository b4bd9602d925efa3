// What a proofgate backup archive holds (a POSIX tar, mode 0600), and the manifest that describes it:
//   config.json          the configuration file in use, when there is one
//   data/...             server.dataDir: the database as an online snapshot (better-sqlite3's backup API,
//                        so it is consistent while the appliance runs) and every other file there (the
//                        embedded SoftHSM token store, pinned Entra keys), logs and (unless --with-pins)
//                        the PIN files excepted
//   manifest.json        last: format, versions, where the database and the SoftHSM conf are, and the
//                        size and SHA-256 of every file, checked on restore
export const BACKUP_FORMAT = 'proofgate-backup/1';
export const MANIFEST_NAME = 'manifest.json';
export const CONFIG_NAME = 'config.json';
export const DATA_PREFIX = 'data';

export interface BackupFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  proofgate: { version: string; commit: string };
  source: { dataDir: string; configFile: string | null };
  database: {
    /** Archive path of the snapshot (under data/). */
    path: string;
    schemaVersion: number;
    lastAuditSeq: number;
  };
  hsm: {
    /** embedded-softhsm: the token store is in the archive; external: the keys are in the HSM, not here. */
    kind: 'embedded-softhsm' | 'external';
    tokenLabel: string;
    /** Archive path of the SoftHSM conf (under data/), rewritten on restore; null when not in the archive. */
    softhsmConf: string | null;
    /** PIN files (data-dir relative) left out (the default; `--with-pins` includes them): to be supplied before the restored appliance starts. */
    pinsLeftOut: string[];
  };
  files: BackupFile[];
}

/** Guidance printed and documented for a deployment whose keys live in a hardware HSM. */
export function externalHsmGuidance(tokenLabel: string, labelPrefix: string): string {
  return `hsm.softhsmConf is null: the signing, wrapping and audit MAC keys live in the HSM (token "${tokenLabel}", `
    + `labels "${labelPrefix}/..."), not in this archive. Back them up with the HSM's own procedure (key backup or `
    + 'cloning to a backup HSM under the same token and key labels); without them the evidence cannot be decrypted '
    + 'and the audit MACs cannot be checked. Keep the PIN source (hsm.pinFile or hsm.pinEnv) with that backup.';
}
