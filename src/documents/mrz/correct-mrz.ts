// Check-digit-steered correction for OCR output. Each position gets candidate characters (the
// OCR's own alternatives when it has them, plus the usual look-alikes), narrowed to what the
// position may hold (a date holds digits, a state code letters). A checked field is changed only
// when exactly one reading with the fewest changes makes its check digit validate; otherwise the
// field is reported ambiguous and left as read. Nothing is "corrected" on a guess.
import { mrzCheckDigit } from './check-digit.js';
import { LAYOUTS, type CharClass, type CheckName, type CheckSpec, type Layout } from './layouts.js';
import { parseMrz, type MrzParseOptions, type MrzResult } from './parse-mrz.js';

/** Characters OCR engines confuse on OCR-B (PassportEye#36 for '<' read as 'K'). */
export const MRZ_LOOKALIKES: Readonly<Record<string, readonly string[]>> = {
  '0': ['O', 'D', 'Q'], O: ['0', 'D', 'Q'], D: ['0', 'O'], Q: ['0', 'O'],
  '1': ['I', 'L'], I: ['1', 'L'], L: ['1', 'I'],
  '8': ['B'], B: ['8'], '5': ['S'], S: ['5'], '2': ['Z'], Z: ['2'], '6': ['G'], G: ['6'],
  '<': ['K'], K: ['<'],
};

export interface MrzReading {
  readonly lines: readonly string[];
  /** Optional per-position alternatives from the OCR, best first: candidates[line][position]. */
  readonly candidates?: ReadonlyArray<ReadonlyArray<readonly string[] | undefined>>;
}

export interface MrzCorrection {
  readonly line: number;
  readonly position: number;
  readonly from: string;
  readonly to: string;
  /** 'class': the read character cannot occur there; 'check-digit': chosen so a check digit validates; 'filler': K read in a name's filler. */
  readonly reason: 'class' | 'check-digit' | 'filler';
}

export interface MrzCorrectionResult {
  readonly lines: readonly string[];
  readonly corrections: readonly MrzCorrection[];
  /** Checks for which several equally small corrections validated, so none was applied. */
  readonly ambiguous: readonly CheckName[];
  readonly result: MrzResult;
}

const MAX_CHANGES = 2;
const NAME_FIELDS: ReadonlySet<string> = new Set(['name', 'surname', 'givenNames']);
const MAX_TRIALS = 50_000;

function layoutFor(lines: readonly string[]): Layout | null {
  const len = lines[0]?.length;
  if (!lines.every((l) => l.length === len)) return null;
  if (lines.length === 3 && len === 30) return LAYOUTS.TD1;
  if (lines.length !== 2) return null;
  if (len === 44) return lines[0][0] === 'V' ? LAYOUTS.MRVA : LAYOUTS.TD3;
  if (len === 36) return lines[0][0] === 'V' ? LAYOUTS.MRVB : lines[0].startsWith('IDFRA') ? LAYOUTS.FRENCH_ID : LAYOUTS.TD2;
  return null;
}

const allowedIn = (cls: CharClass, ch: string): boolean => {
  switch (cls) {
    case 'digit': return /^[0-9]$/.test(ch);
    case 'digitOrFiller': return /^[0-9<]$/.test(ch);
    case 'alpha': return /^[A-Z<]$/.test(ch);
    case 'any': return /^[A-Z0-9<]$/.test(ch);
  }
};

type Grid = string[][];
type Options = string[][][];

export function correctMrz(reading: MrzReading, options: MrzParseOptions = {}): MrzCorrectionResult {
  const original = reading.lines.map((l) => l.trim());
  const layout = layoutFor(original);
  if (!layout) return { lines: original, corrections: [], ambiguous: [], result: parseMrz(original, options) };

  const classes: CharClass[][] = original.map((l) => Array.from(l, () => 'any' as CharClass));
  for (const f of layout.fields) for (let p = f.start; p < f.end; p++) classes[f.line][p] = f.cls;

  const opts: Options = original.map((line, li) => Array.from(line, (read, p) => {
    // The OCR's own alternatives, where given, replace the generic look-alike table.
    const given = reading.candidates?.[li]?.[p];
    const pool = given ? [...given] : [read, ...(MRZ_LOOKALIKES[read] ?? [])];
    const allowed = [...new Set(pool)].filter((c) => allowedIn(classes[li][p], c));
    return allowed.length > 0 ? allowed : [read];
  }));
  const grid: Grid = opts.map((line) => line.map((o) => o[0]));

  // The composite digit is not used to arbitrate: ICAO aligns every field's weights with the
  // composite's, so two readings that both satisfy a field's own digit give the same composite sum.
  const ambiguous: CheckName[] = [];
  for (const check of layout.checks) {
    if (check.name === 'composite' || isLongNumberCheck(layout, check, grid)) continue;
    if (checkValid(check, grid)) continue;
    const solutions = search(positionsOf(check), opts, grid, () => checkValid(check, grid));
    if (solutions.length === 1) apply(grid, solutions[0]);
    else if (solutions.length > 1) ambiguous.push(check.name);
  }
  fixNameFillers(layout, grid);

  const lines = grid.map((l) => l.join(''));
  const corrections: MrzCorrection[] = [];
  for (let li = 0; li < lines.length; li++) {
    for (let p = 0; p < lines[li].length; p++) {
      const from = original[li][p];
      const to = lines[li][p];
      if (from === to) continue;
      const inName = layout.fields.some((f) => NAME_FIELDS.has(f.name) && f.line === li && p >= f.start && p < f.end);
      const reason = !allowedIn(classes[li][p], from) ? 'class' : inName ? 'filler' : 'check-digit';
      corrections.push({ line: li, position: p, from, to, reason });
    }
  }
  return { lines, corrections, ambiguous, result: parseMrz(lines, options) };
}

const positionsOf = (check: CheckSpec): Array<[number, number]> => [
  ...check.data.flatMap((s) => Array.from({ length: s.end - s.start }, (_, i): [number, number] => [s.line, s.start + i])),
  [check.digit.line, check.digit.pos],
];

function checkValid(check: CheckSpec, grid: Grid): boolean {
  const data = check.data.map((s) => grid[s.line].slice(s.start, s.end).join('')).join('');
  const found = grid[check.digit.line][check.digit.pos];
  if (check.name === 'personalNumber' && /^<*$/.test(data) && (found === '<' || found === '0')) return true;
  return String(mrzCheckDigit(data)) === found;
}

/** TD1/TD2 long numbers put '<' in the check-digit position; the parser handles those. */
function isLongNumberCheck(layout: Layout, check: CheckSpec, grid: Grid): boolean {
  return check.name === 'documentNumber' && (layout.format === 'TD1' || layout.format === 'TD2')
    && grid[check.digit.line][check.digit.pos] === '<';
}

function apply(grid: Grid, changes: Array<[number, number, string]>): void {
  for (const [l, p, c] of changes) grid[l][p] = c;
}

/** All change sets with the fewest changes (up to MAX_CHANGES) over `positions` that make `valid()` true. */
function search(positions: Array<[number, number]>, opts: Options, grid: Grid, valid: () => boolean): Array<Array<[number, number, string]>> {
  const variable = positions.filter(([l, p]) => opts[l][p].length > 1);
  let trials = 0;
  for (let k = 1; k <= MAX_CHANGES; k++) {
    const found: Array<Array<[number, number, string]>> = [];
    const choose = (from: number, chosen: Array<[number, number, string]>): void => {
      if (trials > MAX_TRIALS) return;
      if (chosen.length === k) {
        trials++;
        const saved = chosen.map(([l, p]) => grid[l][p]);
        apply(grid, chosen);
        if (valid()) found.push([...chosen]);
        chosen.forEach(([l, p], i) => { grid[l][p] = saved[i]; });
        return;
      }
      for (let i = from; i < variable.length; i++) {
        const [l, p] = variable[i];
        for (const alt of opts[l][p].slice(1)) {
          if (alt === grid[l][p]) continue;
          chosen.push([l, p, alt]);
          choose(i + 1, chosen);
          chosen.pop();
        }
      }
    };
    choose(0, []);
    if (found.length > 0) return found;
  }
  return [];
}

/** A 'K' inside the filler run that ends a name field is a misread '<' (names carry no check digit). */
function fixNameFillers(layout: Layout, grid: Grid): void {
  for (const f of layout.fields) {
    if (!NAME_FIELDS.has(f.name)) continue;
    const text = grid[f.line].slice(f.start, f.end).join('');
    const m = /<<[<K]*$/.exec(text);
    if (!m || !/<<<|K/.test(m[0]) || (m[0].match(/</g) ?? []).length < 3) continue;
    for (let i = m.index; i < text.length; i++) if (text[i] === 'K') grid[f.line][f.start + i] = '<';
  }
}
