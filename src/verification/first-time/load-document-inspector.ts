// Loads the first-time document checks for the appliance. A failure (addon built without the document
// capability, OCR-B font missing) does not stop the appliance: first-time verifications then answer
// 'unavailable' (every call of the stand-in throws, which the decision reports as a 'document-analysis'
// error), and returning users are unaffected.
import type { DocumentsConfig } from '../../config/sections/documents.js';
import { ProofgateError } from '../../core/errors.js';
import { DocumentsInspector, type DocumentInspector } from './document-inspector.js';

export interface LoadedDocumentChecks {
  inspector: DocumentInspector;
  /** Null when loaded; otherwise why not (for the health check and the start-up log). */
  problem: string | null;
  /** Trusted CSCA certificates loaded from documents.emrtd.cscaStorePath. */
  trustedCscaCount: number;
}

export function unavailableDocumentInspector(cause: unknown): DocumentInspector {
  const message = `document checks unavailable: ${(cause as Error).message}`;
  const fail = (): never => { throw new ProofgateError('ERR_INTERNAL', message, { status: 503, cause }); };
  return {
    expiryGraceDays: 0, minHolderAgeYears: 0,
    checkPhoto: async () => fail(), checkMrz: () => fail(), checkInfrared: async () => fail(), checkUltraviolet: async () => fail(),
    readBarcode: async () => fail(), checkChip: () => fail(), bindHolder: () => fail(),
  };
}

export async function loadDocumentChecks(config: DocumentsConfig): Promise<LoadedDocumentChecks> {
  try {
    const inspector = await DocumentsInspector.load(config);
    return { inspector, problem: null, trustedCscaCount: inspector.verifier.trustedCscaCount };
  } catch (e) {
    return { inspector: unavailableDocumentInspector(e), problem: (e as Error).message, trustedCscaCount: 0 };
  }
}
