// The pages' message catalogue: one object per language with the same keys as the English one
// (en.ts), chosen per request from Accept-Language (negotiate-language.ts). Adding a language is
// one file and one line in CATALOGUES; a missing key does not type-check.
import { en } from './en.js';
import { de } from './de.js';

export type MessageKey = keyof typeof en;
export type MessageCatalogue = Readonly<Record<MessageKey, string>>;

export const CATALOGUES = { en, de } as const satisfies Record<string, MessageCatalogue>;
export type Language = keyof typeof CATALOGUES;
export const DEFAULT_LANGUAGE: Language = 'en';
export const LANGUAGES = Object.keys(CATALOGUES) as Language[];

export function catalogueFor(language: Language): MessageCatalogue {
  return CATALOGUES[language];
}
