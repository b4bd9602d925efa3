// Barcode vs front of the card: the fields both carry must agree (case, spacing and punctuation
// ignored). The front reading is whatever the caller has (typed by staff, read by OCR).
import type { AamvaFields } from './parse-aamva.js';

export interface FrontReading {
  familyName?: string | null;
  givenNames?: string | null;
  dateOfBirth?: string | null;
  documentNumber?: string | null;
}

export interface FieldComparison {
  readonly field: keyof FrontReading;
  readonly barcode: string | null;
  readonly front: string | null;
  readonly outcome: 'match' | 'mismatch' | 'not-compared';
}

const normalise = (s: string): string => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z0-9]/g, '');

export function crossCheckFront(barcode: AamvaFields, front: FrontReading): FieldComparison[] {
  const fields: Array<keyof FrontReading> = ['familyName', 'givenNames', 'dateOfBirth', 'documentNumber'];
  return fields.map((field) => {
    const b = barcode[field] ?? null;
    const f = front[field] ?? null;
    if (b === null || f === null) return { field, barcode: b, front: f, outcome: 'not-compared' };
    // Given names: the front may show only the first of several.
    const same = field === 'givenNames' ? normalise(b).startsWith(normalise(f)) || normalise(f).startsWith(normalise(b)) : normalise(b) === normalise(f);
    return { field, barcode: b, front: f, outcome: same ? 'match' : 'mismatch' };
  });
}
