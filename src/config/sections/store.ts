// Configuration section "store". The defaults object is also the documentation: one comment per key.
import type { SectionReader } from '../validate.js';

export const storeDefaults = {
};

export type StoreConfig = Record<string, never>;

export function readStoreConfig(r: SectionReader): StoreConfig {
  r.done();
  return {};
}
