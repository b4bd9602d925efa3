// MRZ names: primary identifier, "<<", secondary identifier; components separated by "<".
// They are already transliterated (ICAO 9303-3 section 6) and may be truncated to the field.
export interface MrzName {
  /** Primary identifier (surname), components joined by single spaces. */
  readonly primary: string;
  /** Secondary identifier (given names), components joined by single spaces. */
  readonly secondary: string;
  readonly primaryParts: readonly string[];
  readonly secondaryParts: readonly string[];
  /** The field is full to its last character, so the name may have been cut (ICAO truncation). */
  readonly mayBeTruncated: boolean;
}

const parts = (s: string) => s.split('<').filter((p) => p.length > 0);

export function parseMrzName(field: string): MrzName {
  const sep = field.indexOf('<<');
  const primaryRaw = sep < 0 ? field : field.slice(0, sep);
  const secondaryRaw = sep < 0 ? '' : field.slice(sep + 2);
  const primaryParts = parts(primaryRaw);
  const secondaryParts = parts(secondaryRaw);
  return {
    primary: primaryParts.join(' '),
    secondary: secondaryParts.join(' '),
    primaryParts,
    secondaryParts,
    mayBeTruncated: field.length > 0 && !field.endsWith('<'),
  };
}

/** The French CNI keeps surname and given names in separate fields; given names are split by "<<". */
export function parseFrenchName(surnameField: string, givenField: string): MrzName {
  const primaryParts = parts(surnameField);
  const secondaryParts = givenField.split('<<').map((g) => parts(g).join(' ')).filter((g) => g.length > 0);
  return {
    primary: primaryParts.join(' '),
    secondary: secondaryParts.join(' '),
    primaryParts,
    secondaryParts,
    mayBeTruncated: !surnameField.endsWith('<') || !givenField.endsWith('<'),
  };
}
