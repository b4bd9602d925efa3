// Scoring of one MRZ read against its truth, for `npm run eval:mrz`. An image's truth is its MRZ
// lines, "no MRZ" (an empty cell in expected.csv: a photo with no machine-readable zone, where the
// only right answer is to read nothing), or unknown (unlabeled/: only the check digits can be judged).

export type MrzTruth =
  | { readonly kind: 'lines'; readonly lines: readonly string[] }
  | { readonly kind: 'no-mrz' }
  | { readonly kind: 'unlabeled' };

export interface MrzReadScore {
  readonly truth: MrzTruth['kind'];
  /** Something was read (at least one line). */
  readonly found: boolean;
  /** Characters of the expected lines, and those read right in place. */
  readonly chars: number;
  readonly charsRight: number;
  readonly lines: number;
  readonly linesRight: number;
  /** Every expected line read exactly (and no more lines), or, for "no MRZ", nothing read; null when unlabeled. */
  readonly correct: boolean | null;
  readonly checksValid: boolean;
}

/** The expected.csv cell: lines joined by '|'; empty means the image holds no MRZ. */
export function truthFromCell(cell: string): MrzTruth {
  const trimmed = cell.trim();
  return trimmed === '' ? { kind: 'no-mrz' } : { kind: 'lines', lines: trimmed.split('|') };
}

export function scoreMrzRead(truth: MrzTruth, got: readonly string[], checksValid: boolean): MrzReadScore {
  const found = got.length > 0;
  if (truth.kind !== 'lines') {
    return { truth: truth.kind, found, chars: 0, charsRight: 0, lines: 0, linesRight: 0, correct: truth.kind === 'no-mrz' ? !found : null, checksValid };
  }
  let chars = 0, charsRight = 0, linesRight = 0;
  truth.lines.forEach((line, i) => {
    chars += line.length;
    const g = got[i] ?? '';
    for (let p = 0; p < line.length; p++) if (g[p] === line[p]) charsRight++;
    if (g === line) linesRight++;
  });
  const correct = got.length === truth.lines.length && linesRight === truth.lines.length;
  return { truth: 'lines', found, chars, charsRight, lines: truth.lines.length, linesRight, correct, checksValid };
}
