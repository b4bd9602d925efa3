// Correction of OCR output that never invents identifying data. A character of an identifying field
// (document number, birth and expiry dates, personal number / optional data, their check digits) is
// changed only with support: the read character cannot occur there and a known look-alike can (a
// letter in a date: 'class'), or the OCR itself nearly preferred the replacement there: offered it
// with a confidence of at least `minAlternativeConfidence` and at most `maxChangeCost` below the read
// character's. Among the supported readings whose check digit validates, the one the OCR scores best
// is taken only when it leads the next valid one by `minScoreMargin` (see search()); at most
// `maxChangesPerField` per field. The change-cost bar is what holds a reading that is the only valid
// one (no runner-up, so the margin always passes) to the same evidence as a contested one: without
// it, a misread position with no alternative plus any strong alternative at a correctly read
// position whose value happens to fix the sum (1 in 10) would pass as a repair. A check digit that still fails leaves the reading unreadable: the
// lines come back exactly as read, with MRZ_UNREADABLE, so the caller asks for another capture
// instead of trusting a repaired number.
import { documentsDefaults } from '../../config/sections/documents.js';
import { mrzCharValue } from './check-digit.js';
import { LAYOUTS, type CharClass, type CheckName, type CheckSpec, type Layout, type MrzFieldName } from './layouts.js';
import { parseMrz, type MrzParseOptions, type MrzResult } from './parse-mrz.js';
import { problem } from './problems.js';

/** Characters OCR engines confuse on OCR-B (PassportEye#36 for '<' read as 'K'). */
export const MRZ_LOOKALIKES: Readonly<Record<string, readonly string[]>> = {
  '0': ['O', 'D', 'Q'], O: ['0', 'D', 'Q'], D: ['0', 'O'], Q: ['0', 'O'],
  '1': ['I', 'L'], I: ['1', 'L'], L: ['1', 'I'],
  '8': ['B'], B: ['8'], '5': ['S'], S: ['5'], '2': ['Z'], Z: ['2'], '6': ['G'], G: ['6'],
  '<': ['K'], K: ['<'],
};

/** One OCR alternative for a position, with the OCR's own confidence in it (0..1). */
export interface MrzAlternative {
  readonly char: string;
  readonly confidence: number;
}

export interface MrzReading {
  readonly lines: readonly string[];
  /** The OCR's alternatives per position, best first: alternatives[line][position]. Without them only class corrections apply. */
  readonly alternatives?: ReadonlyArray<ReadonlyArray<readonly MrzAlternative[] | undefined>>;
}

/** documents.mrz.correction (src/config/sections/documents.ts documents each key). */
export interface MrzCorrectionPolicy {
  readonly minAlternativeConfidence: number;
  readonly minScoreMargin: number;
  readonly maxChangesPerField: number;
  readonly maxChangeCost: number;
}

export interface MrzCorrectOptions extends MrzParseOptions {
  /** Default: the documented defaults of documents.mrz.correction. */
  readonly correction?: MrzCorrectionPolicy;
}

export interface MrzCorrection {
  readonly line: number;
  readonly position: number;
  readonly from: string;
  readonly to: string;
  /** 'class': the read character cannot occur there; 'check-digit': an OCR alternative chosen so a check digit validates; 'filler': K read in a name's filler. */
  readonly reason: 'class' | 'check-digit' | 'filler';
  /** The OCR's confidence in `to`, when the OCR offered it; null for a look-alike the OCR did not list. */
  readonly confidence: number | null;
}

export interface MrzCorrectionResult {
  /** The corrected lines; exactly the lines as read when `unreadable`. */
  readonly lines: readonly string[];
  readonly corrections: readonly MrzCorrection[];
  /** Checks for which several supported readings validated, so none was applied. */
  readonly ambiguous: readonly CheckName[];
  /** Checks that failed and that no supported correction could make validate. */
  readonly unsupported: readonly CheckName[];
  /** A check digit still fails: nothing was changed, `result` carries MRZ_UNREADABLE; read the document again. */
  readonly unreadable: boolean;
  readonly result: MrzResult;
}

const NAME_FIELDS: ReadonlySet<MrzFieldName> = new Set(['name', 'surname', 'givenNames']);
/** Fields that identify the document or its holder: changed only with the support described above. */
const IDENTIFYING_FIELDS: ReadonlySet<MrzFieldName> = new Set([
  'documentNumber', 'documentNumberCheckDigit', 'dateOfBirth', 'dateOfBirthCheckDigit', 'dateOfExpiry', 'dateOfExpiryCheckDigit',
  'personalNumber', 'personalNumberCheckDigit', 'optionalData1', 'optionalData2', 'compositeCheckDigit',
]);
/** Scores are decimals: 0.90 - 0.85 must count as 0.05. */
const COST_EPSILON = 1e-9;
/** Bound on the readings tried per check; a field with more supported readings is not corrected. */
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

/** What a position may become, and on what grounds. */
interface Slot {
  readonly line: number;
  readonly pos: number;
  /** The read character cannot occur here: the slot must change to one of `options`. */
  readonly forced: boolean;
  /**
   * Supported replacements (never the read character), with the OCR's confidence where it gave one
   * and the cost of taking it: how much less the OCR scored it than the read character (a look-alike
   * the OCR did not score costs as much as the weakest alternative allowed).
   */
  readonly options: ReadonlyArray<{ readonly char: string; readonly confidence: number | null; readonly cost: number }>;
}

type Change = readonly [line: number, pos: number, char: string];
type SearchOutcome = { kind: 'fixed'; changes: Change[] } | { kind: 'ambiguous' } | { kind: 'none' };

export function correctMrz(reading: MrzReading, options: MrzCorrectOptions = {}): MrzCorrectionResult {
  const { correction = documentsDefaults.mrz.correction, ...parseOptions } = options;
  const original = reading.lines.map((l) => l.trim());
  const layout = layoutFor(original);
  if (!layout) return { lines: original, corrections: [], ambiguous: [], unsupported: [], unreadable: false, result: parseMrz(original, parseOptions) };

  const fieldAt: Array<Array<{ name: MrzFieldName; cls: CharClass } | null>> = original.map((l) => Array.from(l, () => null));
  for (const f of layout.fields) for (let p = f.start; p < f.end; p++) fieldAt[f.line][p] = { name: f.name, cls: f.cls };
  const classOf = (l: number, p: number): CharClass => fieldAt[l][p]?.cls ?? 'any';

  const slotAt = (l: number, p: number): Slot => {
    const read = original[l][p];
    const cls = classOf(l, p);
    const forced = !allowedIn(cls, read);
    const given = reading.alternatives?.[l]?.[p] ?? [];
    const top = given.find((a) => a.char === read)?.confidence ?? Math.max(1, ...given.map((a) => a.confidence));
    const opts = new Map<string, number | null>();
    for (const alt of given) {
      // Where the read character can occur, the OCR must have nearly preferred the replacement itself:
      // a strong runner-up at a confidently read position is how correct characters look too.
      const nearlyPreferred = forced || top - alt.confidence <= correction.maxChangeCost + COST_EPSILON;
      if (alt.char !== read && alt.confidence >= correction.minAlternativeConfidence && nearlyPreferred && allowedIn(cls, alt.char) && !opts.has(alt.char)) opts.set(alt.char, alt.confidence);
    }
    // A look-alike is support only where the read character is impossible (a letter in a date).
    if (forced) for (const c of MRZ_LOOKALIKES[read] ?? []) if (allowedIn(cls, c) && !opts.has(c)) opts.set(c, null);
    const costOf = (confidence: number | null) => Math.max(0, top - (confidence ?? correction.minAlternativeConfidence));
    return { line: l, pos: p, forced, options: [...opts].map(([char, confidence]) => ({ char, confidence, cost: costOf(confidence) })) };
  };

  const grid: Grid = original.map((l) => Array.from(l));
  const confidenceOf = new Map<string, number | null>();
  const applyChanges = (changes: readonly Change[], slots: readonly Slot[]): void => {
    for (const [l, p, c] of changes) {
      grid[l][p] = c;
      confidenceOf.set(`${l}:${p}`, slots.find((s) => s.line === l && s.pos === p)?.options.find((o) => o.char === c)?.confidence ?? null);
    }
  };

  // Names, state codes, sex, document code: not identifying, no check digit. A character that cannot
  // occur there becomes its first look-alike that can (UT0 -> UTO).
  for (let l = 0; l < grid.length; l++) {
    for (let p = 0; p < grid[l].length; p++) {
      const field = fieldAt[l][p];
      if (field && IDENTIFYING_FIELDS.has(field.name)) continue;
      const slot = slotAt(l, p);
      if (slot.forced && slot.options.length > 0) applyChanges([[l, p, slot.options[0].char]], [slot]);
    }
  }

  // Identifying fields with their own check digit: supported changes steered by that digit.
  const ambiguous: CheckName[] = [];
  const unsupported: CheckName[] = [];
  const covered = new Set<string>();
  for (const check of layout.checks) {
    if (check.name === 'composite' || isLongNumberCheck(layout, check, grid)) continue;
    const positions = positionsOf(check);
    for (const [l, p] of positions) covered.add(`${l}:${p}`);
    if (checkValid(check, grid)) continue;
    const slots = positions.map(([l, p]) => slotAt(l, p));
    const outcome = search(slots, correction, grid, () => checkValid(check, grid));
    if (outcome.kind === 'fixed') applyChanges(outcome.changes, slots);
    else (outcome.kind === 'ambiguous' ? ambiguous : unsupported).push(check.name);
  }

  // Identifying positions without a check digit of their own (optional data, the composite digit, a
  // long document number): only a class correction with exactly one candidate, within the budget.
  // Nothing can steer a choice there; the composite digit then checks the result (1 in 10 missed).
  const uncovered = new Map<MrzFieldName, Slot[]>();
  for (const f of layout.fields) {
    if (!IDENTIFYING_FIELDS.has(f.name)) continue;
    for (let p = f.start; p < f.end; p++) {
      if (covered.has(`${f.line}:${p}`)) continue;
      const slot = slotAt(f.line, p);
      if (slot.forced) uncovered.set(f.name, [...(uncovered.get(f.name) ?? []), slot]);
    }
  }
  for (const slots of uncovered.values()) {
    if (slots.length <= correction.maxChangesPerField && slots.every((s) => s.options.length === 1)) {
      applyChanges(slots.map((s): Change => [s.line, s.pos, s.options[0].char]), slots);
    }
  }

  fixNameFillers(layout, grid);

  const lines = grid.map((l) => l.join(''));
  const result = parseMrz(lines, parseOptions);
  const allValid = result.ok && result.checks.every((k) => k.valid);
  if (!allValid) {
    // Never hand back a repaired value that its check digits do not confirm: the reading as it came.
    const asRead = parseMrz(original, parseOptions);
    const failing = result.ok ? result.checks.filter((k) => !k.valid).map((k) => k.name) : [];
    const why = [...new Set([...failing, ...unsupported, ...ambiguous])];
    const unreadable = problem('MRZ_UNREADABLE', 'error',
      `the MRZ could not be read reliably${why.length ? ` (${why.join(', ')} check digit${why.length > 1 ? 's' : ''} not confirmed)` : ''}: read the document again`);
    return {
      lines: original, corrections: [], ambiguous, unsupported, unreadable: true,
      result: { ...asRead, valid: false, problems: [...asRead.problems, unreadable] } as MrzResult,
    };
  }

  const corrections: MrzCorrection[] = [];
  for (let li = 0; li < lines.length; li++) {
    for (let p = 0; p < lines[li].length; p++) {
      const from = original[li][p];
      const to = lines[li][p];
      if (from === to) continue;
      const field = fieldAt[li][p]?.name;
      const reason = !allowedIn(classOf(li, p), from) ? 'class' : field && NAME_FIELDS.has(field) ? 'filler' : 'check-digit';
      corrections.push({ line: li, position: p, from, to, reason, confidence: confidenceOf.get(`${li}:${p}`) ?? null });
    }
  }
  return { lines, corrections, ambiguous, unsupported, unreadable: false, result };
}

const positionsOf = (check: CheckSpec): Array<[number, number]> => [
  ...check.data.flatMap((s) => Array.from({ length: s.end - s.start }, (_, i): [number, number] => [s.line, s.start + i])),
  [check.digit.line, check.digit.pos],
];

const WEIGHTS = [7, 3, 1] as const;

/** Whether the check digit validates on the grid; read cell by cell, as the search calls it for every reading. */
function checkValid(check: CheckSpec, grid: Grid): boolean {
  const found = grid[check.digit.line][check.digit.pos];
  let sum = 0;
  let i = 0;
  let allFiller = true;
  for (const s of check.data) {
    for (let p = s.start; p < s.end; p++, i++) {
      const ch = grid[s.line][p];
      const v = mrzCharValue(ch);
      if (v < 0) return false;
      if (ch !== '<') allFiller = false;
      sum += v * WEIGHTS[i % 3];
    }
  }
  // An empty TD3 personal number may carry '<' or '0' as its check digit.
  if (check.name === 'personalNumber' && allFiller && (found === '<' || found === '0')) return true;
  return found.length === 1 && found.charCodeAt(0) === 48 + (sum % 10);
}

/** TD1/TD2 long numbers put '<' in the check-digit position; the parser handles those. */
function isLongNumberCheck(layout: Layout, check: CheckSpec, grid: Grid): boolean {
  return check.name === 'documentNumber' && (layout.format === 'TD1' || layout.format === 'TD2')
    && grid[check.digit.line][check.digit.pos] === '<';
}

/**
 * The reading to take among every reading the slots support (each forced slot takes one of its
 * options, each other slot keeps its character or takes one of its own) that makes `valid()` true:
 * the one the OCR scores best (least total cost), taken only when the next valid reading costs at
 * least `minScoreMargin` more. The search is exhaustive so that no competitor is missed: two
 * misreads can cancel in the sum (8->B at weights 3 and 7 adds 30), and where the OCR cannot tell
 * 0 from O along a number, many readings validate at almost the same score, and none is taken.
 * Otherwise 'ambiguous'; no valid reading, a chosen one changing more than `maxChangesPerField`
 * characters, or more than MAX_TRIALS readings to try: 'none'. The grid is left as found.
 */
function search(slots: readonly Slot[], policy: MrzCorrectionPolicy, grid: Grid, valid: () => boolean): SearchOutcome {
  const open = slots.filter((s) => s.forced || s.options.length > 0);
  if (open.some((s) => s.forced && s.options.length === 0)) return { kind: 'none' };
  const readings = open.reduce((n, s) => n * (s.options.length + (s.forced ? 0 : 1)), 1);
  if (readings > MAX_TRIALS) return { kind: 'none' };
  let best: { changes: Change[]; cost: number } | null = null;
  let runnerUpCost = Infinity;
  const chosen: Change[] = [];
  const walk = (k: number, cost: number): void => {
    if (k === open.length) {
      if (!valid()) return;
      if (!best || cost < best.cost) {
        runnerUpCost = best?.cost ?? Infinity;
        best = { changes: [...chosen], cost };
      } else {
        runnerUpCost = Math.min(runnerUpCost, cost);
      }
      return;
    }
    const slot = open[k];
    const read = grid[slot.line][slot.pos];
    if (!slot.forced) walk(k + 1, cost);
    for (const o of slot.options) {
      grid[slot.line][slot.pos] = o.char;
      chosen.push([slot.line, slot.pos, o.char]);
      walk(k + 1, cost + o.cost);
      chosen.pop();
      grid[slot.line][slot.pos] = read;
    }
  };
  walk(0, 0);
  const found = best as { changes: Change[]; cost: number } | null;
  if (!found) return { kind: 'none' };
  if (runnerUpCost - found.cost < policy.minScoreMargin) return { kind: 'ambiguous' };
  if (found.changes.length > policy.maxChangesPerField) return { kind: 'none' };
  return { kind: 'fixed', changes: found.changes };
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
