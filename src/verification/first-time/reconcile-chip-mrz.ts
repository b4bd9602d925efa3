// When a genuine chip's DG1 differs from the MRZ as the OCR read it only in characters the OCR confuses
// (0/O, 1/I, 8/B, …, at most MAX_LOOKALIKE_DIFFERENCES of them), the difference is the reader's, not the
// document's: the check digits of the OCR reading happened to validate. The chip's MRZ is signed, so it
// is then the better reading; passive authentication is re-run against it, and the document is
// identified from it. Any other difference (another character, another length) stands and fails.
import { MRZ_LOOKALIKES } from '../../documents/mrz/index.js';
import { readDg1Mrz } from '../../documents/emrtd/index.js';

export const MAX_LOOKALIKE_DIFFERENCES = 3;

/** Positions (line, column) where the readings differ, or null when a difference is not an OCR look-alike. */
export function lookalikeDifferences(optical: readonly string[], chip: readonly string[]): Array<[number, number]> | null {
  if (optical.length !== chip.length || optical.some((l, i) => l.length !== chip[i].length)) return null;
  const out: Array<[number, number]> = [];
  for (let li = 0; li < optical.length; li++) {
    for (let p = 0; p < optical[li].length; p++) {
      const a = optical[li][p];
      const b = chip[li][p];
      if (a === b) continue;
      if (!(MRZ_LOOKALIKES[a] ?? []).includes(b)) return null;
      out.push([li, p]);
    }
  }
  return out.length <= MAX_LOOKALIKE_DIFFERENCES ? out : null;
}

/** The chip's MRZ lines when they explain the optical mismatch as OCR look-alikes; otherwise null. */
export function chipMrzExplainingOcr(dg1: Uint8Array | undefined, optical: readonly string[]): { lines: string[]; positions: Array<[number, number]> } | null {
  if (!dg1) return null;
  let lines: string[];
  try {
    lines = readDg1Mrz(dg1);
  } catch {
    return null;
  }
  const positions = lookalikeDifferences(optical, lines);
  return positions && positions.length > 0 ? { lines, positions } : null;
}
