// ICAO 9303-3 section 6 transliteration of a national name into MRZ letters, in two forms:
// the recommended one (Ä -> AE, Ø -> OE, Þ -> TH, Cyrillic table) and the plain accent-stripped
// one (Ä -> A) that some issuers use. A directory name is compared under both.
const LATIN: Record<string, string> = {
  Ä: 'AE', Æ: 'AE', Ǽ: 'AE', Å: 'AA', Ö: 'OE', Ø: 'OE', Ǿ: 'OE', Œ: 'OE', Ü: 'UE', ß: 'SS', ẞ: 'SS',
  Þ: 'TH', Ð: 'D', Đ: 'D', Ħ: 'H', Ĳ: 'IJ', Ŀ: 'L', Ł: 'L', Ŋ: 'N', Ŧ: 'T', ĸ: 'K',
};

// ICAO 9303-3 Table B (Cyrillic), upper case; lower case is folded first.
const CYRILLIC: Record<string, string> = {
  А: 'A', Б: 'B', В: 'V', Г: 'G', Ґ: 'G', Д: 'D', Ђ: 'D', Ѓ: 'G', Е: 'E', Ё: 'E', Є: 'IE', Ж: 'ZH', З: 'Z', Ѕ: 'DZ',
  И: 'I', І: 'I', Ї: 'I', Й: 'I', Ј: 'J', К: 'K', Л: 'L', Љ: 'LJ', М: 'M', Н: 'N', Њ: 'NJ', О: 'O', П: 'P', Р: 'R',
  С: 'S', Т: 'T', Ћ: 'C', Ќ: 'K', У: 'U', Ў: 'U', Ф: 'F', Х: 'KH', Ц: 'TS', Ч: 'CH', Џ: 'DZ', Ш: 'SH', Щ: 'SHCH',
  Ъ: 'IE', Ы: 'Y', Ь: '', Э: 'E', Ю: 'IU', Я: 'IA',
};

// Greek (ICAO 9303-3 Table C, simplified to single forms).
const GREEK: Record<string, string> = {
  Α: 'A', Β: 'V', Γ: 'G', Δ: 'D', Ε: 'E', Ζ: 'Z', Η: 'I', Θ: 'TH', Ι: 'I', Κ: 'K', Λ: 'L', Μ: 'M', Ν: 'N', Ξ: 'X',
  Ο: 'O', Π: 'P', Ρ: 'R', Σ: 'S', Τ: 'T', Υ: 'Y', Φ: 'F', Χ: 'CH', Ψ: 'PS', Ω: 'O',
};

export type NameForm = 'icao' | 'accent-stripped';

/**
 * A name as MRZ name tokens (A-Z only). Separators (space, hyphen, comma, '<') split tokens;
 * apostrophes and other marks are dropped, as ICAO does ("O'Brien" -> OBRIEN).
 */
export function toMrzTokens(name: string, form: NameForm): string[] {
  const upper = name.normalize('NFC').toUpperCase();
  let out = '';
  for (const ch of upper) {
    if (/[A-Z]/.test(ch)) out += ch;
    else if (/[\s\-,<.]/.test(ch)) out += ' ';
    else if (form === 'icao' && ch in LATIN) out += LATIN[ch];
    else if (ch in CYRILLIC) out += CYRILLIC[ch];
    else if (ch in GREEK) out += GREEK[ch];
    else {
      const base = ch.normalize('NFD').replace(/\p{M}+/gu, '');
      if (/^[A-Z]+$/.test(base)) out += base;
      else if (ch in LATIN) out += LATIN[ch];
      // Anything else (apostrophes, digits, unknown scripts) is dropped.
    }
  }
  return out.split(' ').filter((t) => t.length > 0);
}

/** Both forms, de-duplicated. */
export function mrzTokenForms(name: string): Array<{ form: NameForm; tokens: string[] }> {
  const icao = toMrzTokens(name, 'icao');
  const stripped = toMrzTokens(name, 'accent-stripped');
  return icao.join(' ') === stripped.join(' ') ? [{ form: 'icao', tokens: icao }] : [{ form: 'icao', tokens: icao }, { form: 'accent-stripped', tokens: stripped }];
}
