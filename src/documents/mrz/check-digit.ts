// ICAO 9303-3 check digit: 0-9 -> 0..9, A-Z -> 10..35, '<' -> 0; weights 7,3,1; sum mod 10.
const WEIGHTS = [7, 3, 1] as const;

/** Numeric value of one MRZ character, or -1 for a character outside A-Z 0-9 '<'. */
export function mrzCharValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  if (c === 60) return 0;
  return -1;
}

/** The check digit over `text`, or null when `text` holds a character the MRZ alphabet lacks. */
export function mrzCheckDigit(text: string): number | null {
  let sum = 0;
  for (let i = 0; i < text.length; i++) {
    const v = mrzCharValue(text[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i % 3];
  }
  return sum % 10;
}
