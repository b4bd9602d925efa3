// The first-time checks beyond the document photos, each as audit CheckResults: the printed portrait
// against the selfie, the IR and UV images, and the chip.
import type { CheckResult } from '../../core/domain.js';
import type { ChipReading } from '../../documents/document-verifier.js';
import type { DocumentImageCheck } from '../../documents/imaging/index.js';
import type { FaceAnalysisResult, FaceAnalyzer } from '../capture/ports.js';
import type { DocumentInspector } from './document-inspector.js';
import type { IdentifiedDocument } from './document-findings.js';
import { chipMrzExplainingOcr } from './reconcile-chip-mrz.js';

const round = (n: number) => Math.round(n * 10000) / 10000;

/**
 * The document's portrait (the largest face on the front: a ghost image is smaller) against the selfie,
 * with the same distance threshold as a returning user's match. No face on the document asks for a
 * retry: a finger over the portrait or glare is the usual cause.
 */
export async function portraitChecks(engine: FaceAnalyzer, portrait: FaceAnalysisResult, selfieEmbedding: Float32Array, threshold: number): Promise<{ checks: CheckResult[]; retryAdvice: string | null }> {
  if (!portrait.face) {
    return {
      checks: [{ name: 'portrait-found', score: portrait.faceCount, threshold: 1, outcome: 'fail', reason: 'no measurable face on the document front' }],
      retryAdvice: 'The photo on the document could not be seen: present the side with your photo, without covering it or reflections on it.',
    };
  }
  const cmp = await engine.compareFaces(selfieEmbedding, portrait.face.embedding, threshold);
  const distance = round(cmp.distance);
  return {
    retryAdvice: null,
    checks: [
      { name: 'portrait-found', score: portrait.faceCount, threshold: 1, outcome: 'pass', reason: `${portrait.faceCount} face(s) on the document front; the largest is the portrait` },
      {
        name: 'portrait-match', score: distance, threshold, outcome: cmp.match ? 'pass' : 'fail',
        reason: cmp.match ? `embedding distance ${distance} <= ${threshold}: the selfie shows the document's holder` : `embedding distance ${distance} > ${threshold}: the selfie does not show the document's holder`,
      },
    ],
  };
}

/** IR or UV checks, named under `prefix`; one 'skipped' check when that image was not sent. */
export function imageChecks(prefix: 'document-ir' | 'document-uv', checks: readonly DocumentImageCheck[] | null): CheckResult[] {
  if (!checks) return [{ name: prefix, score: null, threshold: null, outcome: 'skipped', reason: `no ${prefix} image sent (a kiosk without that light source)` }];
  return checks.map((c) => ({
    name: `${prefix}-${c.name.replace(/^(ir|uv)-/, '')}`, score: c.score === null ? null : Math.round(c.score * 1000) / 1000, threshold: c.threshold,
    outcome: c.outcome === 'not-applicable' ? 'skipped' : c.outcome, reason: c.detail,
  }));
}

export interface ChipSummary {
  read: boolean;
  passiveAuthentication: string | null;
  activeAuthentication: string | null;
  /** Only when the reader sent a Chip Authentication answer. */
  chipAuthentication?: string;
}

export interface ChipCheckResult {
  check: CheckResult;
  summary: ChipSummary;
  /** The chip's MRZ when it replaced an OCR reading that differed only in look-alikes (reconcile-chip-mrz.ts). */
  reconciledMrz: string[] | null;
}

/** Passive (and, when the reader ran it, active) authentication of the chip; 'skipped' without chip data. */
export function chipCheck(documents: DocumentInspector, reading: ChipReading | null, document: IdentifiedDocument, now: Date): ChipCheckResult {
  if (!reading) {
    return {
      check: { name: 'document-chip', score: null, threshold: null, outcome: 'skipped', reason: 'no chip data sent (no chip reader, or a document without a chip)' },
      summary: { read: false, passiveAuthentication: null, activeAuthentication: null }, reconciledMrz: null,
    };
  }
  if (!document.mrzLines) {
    return {
      check: { name: 'document-chip', score: null, threshold: null, outcome: 'fail', reason: 'chip data sent for a document without an MRZ: DG1 cannot be compared with the printed data' },
      summary: { read: true, passiveAuthentication: null, activeAuthentication: null }, reconciledMrz: null,
    };
  }
  let d = documents.checkChip(reading, document.mrzLines, now);
  let reconciled: ChipCheckResult['reconciledMrz'] = null;
  let note = '';
  const onlyOpticalMismatch = !d.accepted && d.passive.checks.every((c) => c.name === 'dg1.optical-match' || c.outcome !== 'fail');
  if (onlyOpticalMismatch) {
    const chipMrz = chipMrzExplainingOcr(reading.dataGroups.get(1), document.mrzLines);
    const again = chipMrz ? documents.checkChip(reading, chipMrz.lines, now) : null;
    if (chipMrz && again?.accepted) {
      d = again;
      reconciled = chipMrz.lines;
      note = `; DG1 differs from the OCR reading only in look-alike characters at ${chipMrz.positions.map(([l, p]) => `line ${l + 1} column ${p + 1}`).join(', ')}: the chip's signed MRZ is used`;
    }
  }
  const failedPa = d.passive.checks.filter((c) => c.outcome !== 'pass' && c.outcome !== 'skip').map((c) => `${c.name} ${c.outcome}${c.reason ? ` (${c.reason})` : ''}`);
  const aa = d.active ? `; active authentication ${d.active.outcome}` : '';
  const ca = d.chip ? `; chip authentication ${d.chip.outcome}${d.chip.outcome === 'pass' ? '' : ` (${d.chip.reason})`}` : '';
  return {
    check: {
      name: 'document-chip', score: null, threshold: null, outcome: d.accepted ? 'pass' : 'fail',
      reason: `passive authentication ${d.passive.status}${aa}${ca}${d.reasons.length ? `; refused: ${d.reasons.join(', ')}` : ''}${failedPa.length ? `; ${failedPa.join('; ')}` : ''}${note}`,
    },
    summary: { read: true, passiveAuthentication: d.passive.status, activeAuthentication: d.active?.outcome ?? null, ...(d.chip ? { chipAuthentication: d.chip.outcome } : {}) },
    reconciledMrz: reconciled,
  };
}
