// The pages' message catalogue: one object per language with the same keys as the English one
// (en.ts), chosen per request from Accept-Language (negotiate-language.ts). Adding a language is
// one file and one line in CATALOGUES; a missing key does not type-check.
import { en, type MessageCatalogue } from './en.js';
import { de } from './de.js';

export type { MessageCatalogue };
export type MessageKey = keyof MessageCatalogue;

export const CATALOGUES = { en, de } as const satisfies Record<string, MessageCatalogue>;
export type Language = keyof typeof CATALOGUES;
export const DEFAULT_LANGUAGE: Language = 'en';
export const LANGUAGES = Object.keys(CATALOGUES) as Language[];

export function catalogueFor(language: Language): MessageCatalogue {
  return CATALOGUES[language];
}
