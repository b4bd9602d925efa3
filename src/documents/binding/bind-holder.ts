// Binds a document holder to the directory account: the MRZ name (and birth date when the
// directory has one) against the identity from the id_token_hint. MRZ names are transliterated
// and may be truncated; directories swap given and family names or leave out middle names. The
// score says how well the names agree after allowing for exactly those differences and no more.
import { documentsDefaults } from '../../config/sections/documents.js';
import type { MrzDate } from '../mrz/dates.js';
import { mrzTokenForms, type NameForm } from './transliterate.js';

export interface DirectoryIdentity {
  readonly displayName?: string | null;
  readonly givenName?: string | null;
  readonly familyName?: string | null;
  /** YYYY-MM-DD, when the directory holds it. */
  readonly dateOfBirth?: string | null;
}

export interface DocumentHolder {
  /** MRZ primary identifier components (surname), as parsed. */
  readonly primaryParts: readonly string[];
  /** MRZ secondary identifier components (given names). */
  readonly secondaryParts: readonly string[];
  /** The MRZ name field was full, so its last component may be cut short. */
  readonly mayBeTruncated: boolean;
  readonly dateOfBirth?: MrzDate | null;
}

export type BindingOutcome = 'match' | 'mismatch' | 'insufficient';

export interface BindingResult {
  /** 0..1: how well the names agree (0 on a birth-date conflict). */
  readonly score: number;
  readonly threshold: number;
  readonly outcome: BindingOutcome;
  readonly reason: string;
  readonly details: {
    readonly order: 'as-is' | 'swapped' | 'display-name';
    readonly form: NameForm | null;
    readonly surname: number;
    readonly givenNames: number;
    readonly truncationUsed: boolean;
    readonly dateOfBirth: 'match' | 'mismatch' | 'not-compared';
  };
}

/** documents.binding.nameThreshold's default: one value, documented in the configuration. */
export const DEFAULT_NAME_BINDING_THRESHOLD = documentsDefaults.binding.nameThreshold;

/** Weights of surname and given names in the score; surnames carry more because given names vary in use. */
const SURNAME_WEIGHT = 0.55;
const SWAPPED_FACTOR = 0.95;
/** Bounds on directory input (it comes from a token the client presents): real names are far shorter. */
const MAX_NAME_CHARS = 256;
const MAX_NAME_TOKENS = 12;
const clamp = (s: string | null | undefined) => (s ?? '').slice(0, MAX_NAME_CHARS).trim();
const forms = (s: string) => mrzTokenForms(s).map((f) => ({ ...f, tokens: f.tokens.slice(0, MAX_NAME_TOKENS) }));
const DISPLAY_NAME_FACTOR = 0.98;

interface Similarity { readonly value: number; readonly truncated: boolean }

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** One MRZ token against one directory token. `tail`: this MRZ token may be truncated. */
function tokenSimilarity(m: string, d: string, tail: boolean): Similarity {
  if (m === d) return { value: 1, truncated: false };
  if (tail && m.length >= 1 && d.startsWith(m)) return { value: m.length === 1 ? 0.85 : 0.95, truncated: true };
  // One typo in a longer name (a directory misspelling or an OCR slip); anything more is another name.
  if (Math.min(m.length, d.length) >= 5 && levenshtein(m, d) === 1) return { value: 0.8, truncated: false };
  return { value: 0, truncated: false };
}

/** Surnames: every component on both sides counts; also compared run together ("VANDERBERG"). */
function surnameSimilarity(mrz: readonly string[], dir: readonly string[], truncatedTail: boolean): Similarity {
  if (mrz.length === 0 || dir.length === 0) return { value: 0, truncated: false };
  const joined = tokenSimilarity(mrz.join(''), dir.join(''), truncatedTail);
  const tokens = matchTokens(mrz, dir, truncatedTail);
  const value = tokens.sum / Math.max(mrz.length, dir.length);
  return joined.value >= value ? joined : { value, truncated: tokens.truncated };
}

/**
 * Given names: middle names may be missing on either side, and people are often known by a
 * later given name, so the shorter list must be found in the longer one; the first names agreeing
 * adds confidence.
 */
function givenSimilarity(mrz: readonly string[], dir: readonly string[], truncatedTail: boolean): Similarity {
  if (mrz.length === 0 && dir.length === 0) return { value: 1, truncated: false };
  if (mrz.length === 0 || dir.length === 0) return { value: 0.5, truncated: false };
  const first = tokenSimilarity(mrz[0], dir[0], truncatedTail && mrz.length === 1);
  const tokens = matchTokens(mrz, dir, truncatedTail);
  const coverage = tokens.sum / Math.min(mrz.length, dir.length);
  const joined = tokenSimilarity(mrz.join(''), dir.join(''), truncatedTail);
  const value = Math.max(0.6 * first.value + 0.4 * coverage, 0.9 * coverage, joined.value);
  return { value: Math.min(1, value), truncated: tokens.truncated || first.truncated || joined.truncated };
}

/** Greedy one-to-one matching of MRZ tokens to directory tokens, best pairs first. */
function matchTokens(mrz: readonly string[], dir: readonly string[], truncatedTail: boolean): { sum: number; truncated: boolean } {
  const pairs: Array<{ i: number; j: number; s: Similarity }> = [];
  mrz.forEach((m, i) => dir.forEach((d, j) => {
    const s = tokenSimilarity(m, d, truncatedTail && i === mrz.length - 1);
    if (s.value > 0) pairs.push({ i, j, s });
  }));
  pairs.sort((a, b) => b.s.value - a.s.value);
  const usedM = new Set<number>();
  const usedD = new Set<number>();
  let sum = 0;
  let truncated = false;
  for (const p of pairs) {
    if (usedM.has(p.i) || usedD.has(p.j)) continue;
    usedM.add(p.i);
    usedD.add(p.j);
    sum += p.s.value;
    truncated ||= p.s.truncated;
  }
  return { sum, truncated };
}

interface Candidate {
  score: number;
  surname: number;
  given: number;
  order: BindingResult['details']['order'];
  form: NameForm;
  truncated: boolean;
}

function scorePair(holder: DocumentHolder, family: string[], given: string[], order: Candidate['order'], form: NameForm, factor: number): Candidate {
  // Truncation can only have cut the end of the field: the secondary identifier, or the primary when there is none.
  const primaryTail = holder.mayBeTruncated && holder.secondaryParts.length === 0;
  const s = surnameSimilarity(holder.primaryParts, family, primaryTail);
  const g = givenSimilarity(holder.secondaryParts, given, holder.mayBeTruncated);
  const score = factor * (SURNAME_WEIGHT * s.value + (1 - SURNAME_WEIGHT) * g.value);
  return { score, surname: s.value, given: g.value, order, form, truncated: s.truncated || g.truncated };
}

export function bindHolderToAccount(holder: DocumentHolder, identity: DirectoryIdentity, threshold = DEFAULT_NAME_BINDING_THRESHOLD): BindingResult {
  const candidates: Candidate[] = [];
  const given = clamp(identity.givenName);
  const family = clamp(identity.familyName);
  if (given || family) {
    const gForms = forms(given);
    const fForms = forms(family);
    for (const gf of gForms) {
      for (const ff of fForms) {
        const form: NameForm = gf.form === 'icao' && ff.form === 'icao' ? 'icao' : 'accent-stripped';
        candidates.push(scorePair(holder, ff.tokens, gf.tokens, 'as-is', form, 1));
        candidates.push(scorePair(holder, gf.tokens, ff.tokens, 'swapped', form, SWAPPED_FACTOR));
      }
    }
  }
  const display = clamp(identity.displayName);
  if (display) {
    // "Family, Given" is explicit; otherwise try every split of the display name, both ways round.
    const comma = display.indexOf(',');
    for (const { form, tokens } of forms(display)) {
      if (comma > 0) {
        const fam = forms(display.slice(0, comma)).find((f) => f.form === form)?.tokens ?? [];
        const giv = forms(display.slice(comma + 1)).find((f) => f.form === form)?.tokens ?? [];
        candidates.push(scorePair(holder, fam, giv, 'display-name', form, DISPLAY_NAME_FACTOR));
      }
      for (let k = 1; k < tokens.length; k++) {
        candidates.push(scorePair(holder, tokens.slice(k), tokens.slice(0, k), 'display-name', form, DISPLAY_NAME_FACTOR));
        candidates.push(scorePair(holder, tokens.slice(0, k), tokens.slice(k), 'display-name', form, DISPLAY_NAME_FACTOR));
      }
      if (tokens.length === 1) candidates.push(scorePair(holder, tokens, [], 'display-name', form, DISPLAY_NAME_FACTOR));
    }
  }

  const dob = compareDateOfBirth(holder.dateOfBirth ?? null, identity.dateOfBirth ?? null);
  if (candidates.length === 0 || holder.primaryParts.length === 0) {
    return {
      score: 0, threshold, outcome: 'insufficient',
      reason: holder.primaryParts.length === 0 ? 'the document carries no name' : 'the directory identity carries no name',
      details: { order: 'as-is', form: null, surname: 0, givenNames: 0, truncationUsed: false, dateOfBirth: dob },
    };
  }
  const best = candidates.reduce((a, b) => (b.score > a.score ? b : a));
  const details = {
    order: best.order, form: best.form, surname: round(best.surname), givenNames: round(best.given),
    truncationUsed: best.truncated, dateOfBirth: dob,
  };
  if (dob === 'mismatch') {
    return { score: 0, threshold, outcome: 'mismatch', reason: 'date of birth differs from the directory', details };
  }
  const score = round(best.score);
  const outcome: BindingOutcome = score >= threshold ? 'match' : 'mismatch';
  const how = [
    best.order === 'swapped' ? 'given and family names swapped' : null,
    best.form === 'accent-stripped' ? 'accent-stripped transliteration' : null,
    best.truncated ? 'MRZ truncation' : null,
  ].filter(Boolean).join(', ');
  const reason = outcome === 'match'
    ? `names agree (score ${score}${how ? `; allowing ${how}` : ''})`
    : `names differ (surname ${details.surname}, given names ${details.givenNames}; score ${score} < ${threshold})`;
  return { score, threshold, outcome, reason, details };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function compareDateOfBirth(mrz: MrzDate | null, directory: string | null): BindingResult['details']['dateOfBirth'] {
  if (!mrz || !directory || !mrz.valid) return 'not-compared';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(directory.trim());
  if (!m) return 'not-compared';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Unknown MRZ parts ('<') are not held against the holder.
  const agrees = (mrz.year === null || mrz.year === y) && (mrz.month === null || mrz.month === mo) && (mrz.day === null || mrz.day === d);
  return agrees ? 'match' : 'mismatch';
}
