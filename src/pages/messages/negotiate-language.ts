// Picks the page language from an Accept-Language header (RFC 9110 §12.5.4): language ranges with
// q-values, best first; a range matches a catalogue by its primary subtag ("de-AT" → de), "*" matches
// the default, q=0 excludes. No header, a malformed one, or nothing we have: the default (English).
// The header is bounded before it is parsed: it is the sender's text.
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from './messages.js';

const MAX_HEADER_CHARS = 1024;
const MAX_RANGES = 32;
const RANGE = /^([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)$/;
const QVALUE = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

interface WeightedRange {
  primary: string;
  q: number;
  /** Position in the header: equal q-values keep the sender's order. */
  order: number;
}

function parseRanges(header: string): WeightedRange[] {
  const out: WeightedRange[] = [];
  for (const [order, part] of header.slice(0, MAX_HEADER_CHARS).split(',').slice(0, MAX_RANGES).entries()) {
    const [range, ...params] = part.split(';').map((s) => s.trim());
    if (!range || !RANGE.test(range)) continue;
    let q = 1;
    const qParam = params.find((p) => /^q=/i.test(p));
    if (qParam !== undefined) {
      const m = QVALUE.exec(qParam);
      if (!m) continue;
      q = Number(m[1]);
    }
    out.push({ primary: range.split('-')[0].toLowerCase(), q, order });
  }
  return out;
}

export function negotiateLanguage(header: string | undefined, available: readonly Language[] = LANGUAGES): Language {
  if (!header) return DEFAULT_LANGUAGE;
  const ranges = parseRanges(header).sort((a, b) => b.q - a.q || a.order - b.order);
  const excluded = new Set(ranges.filter((r) => r.q === 0).map((r) => r.primary));
  for (const r of ranges) {
    if (r.q === 0) continue;
    if (r.primary === '*') {
      // Any language: the default unless the sender excluded it, then the first one not excluded.
      const any = [DEFAULT_LANGUAGE, ...available].find((l) => !excluded.has(l));
      if (any) return any;
      continue;
    }
    const match = available.find((l) => l === r.primary);
    if (match) return match;
  }
  return DEFAULT_LANGUAGE;
}
