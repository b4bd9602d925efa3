// Configuration section "documents". The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const documentsDefaults = {
};

export type DocumentsConfig = Record<string, never>;

export function readDocumentsConfig(r: SectionReader): DocumentsConfig {
  r.done();
  return {};
}
