// Fills a CscaStore from a directory: master lists (*.ml), certificates (*.cer/*.crt/*.der/*.pem)
// and CRLs (*.crl). Each file's outcome is reported; a bad file is skipped, never fatal.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CscaStore, type MasterListImport } from './csca-store.js';

export interface CscaFileResult {
  readonly file: string;
  readonly kind: 'master-list' | 'certificate' | 'crl' | 'ignored';
  readonly ok: boolean;
  readonly detail: string;
  readonly masterList?: MasterListImport;
}

const MAX_FILE_BYTES = 32 * 1024 * 1024;

function pemToDer(text: string): Buffer[] {
  return [...text.matchAll(/-----BEGIN [A-Z509 ]+-----([\s\S]*?)-----END [A-Z509 ]+-----/g)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

export function loadCscaStore(dir: string, options: { requireMasterListSignature?: boolean; store?: CscaStore } = {}): { store: CscaStore; files: CscaFileResult[] } {
  const store = options.store ?? new CscaStore();
  const files: CscaFileResult[] = [];
  for (const file of readdirSync(dir).sort()) {
    const full = path.join(dir, file);
    const ext = path.extname(file).toLowerCase();
    const stat = statSync(full);
    if (!stat.isFile()) continue;
    if (stat.size > MAX_FILE_BYTES) {
      files.push({ file, kind: 'ignored', ok: false, detail: `larger than ${MAX_FILE_BYTES} bytes` });
      continue;
    }
    try {
      const bytes = readFileSync(full);
      if (ext === '.ml' || ext === '.mls') {
        const ml = store.addMasterList(bytes, file, { acceptUnverified: options.requireMasterListSignature === false });
        files.push({ file, kind: 'master-list', ok: ml.imported > 0 || ml.signatureValid, detail: `${ml.imported} new CSCA certificate(s), signature ${ml.signatureValid ? 'valid' : 'NOT verified'}`, masterList: ml });
      } else if (ext === '.cer' || ext === '.crt' || ext === '.der' || ext === '.pem') {
        const ders = bytes.subarray(0, 11).toString('latin1') === '-----BEGIN ' ? pemToDer(bytes.toString('latin1')) : [bytes];
        for (const der of ders) store.addCertificate(der, file);
        files.push({ file, kind: 'certificate', ok: true, detail: `${ders.length} certificate(s)` });
      } else if (ext === '.crl') {
        const crl = store.addCrl(bytes);
        files.push({ file, kind: 'crl', ok: true, detail: `${crl.revokedSerials.size} revoked serial(s) from ${crl.issuer.text}` });
      } else {
        files.push({ file, kind: 'ignored', ok: true, detail: 'not a trust-store file' });
      }
    } catch (e) {
      files.push({ file, kind: 'ignored', ok: false, detail: (e as Error).message });
    }
  }
  return { store, files };
}
