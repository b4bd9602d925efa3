// The printed portrait: the largest face on the document photo (the face engine analyses the largest
// confirmed face), compared with the selfie's. Thresholds: documents.imaging.minPortraitDetectionScore
// and the engine's biometrics.matching.
import { analyzeFace } from '../../biometrics/analyze-face.js';
import { compareFaces } from '../../biometrics/compare-faces.js';
import type { FaceEngine } from '../../biometrics/face-engine.js';
import type { ImagingConfig } from '../../config/sections/documents-imaging.js';
import { atLeast, failed, notApplicable, type DocumentImageCheck } from './image-checks.js';

export async function checkPortrait(engine: FaceEngine, documentImage: Buffer, selfie: Buffer, config: ImagingConfig): Promise<DocumentImageCheck[]> {
  const [printed, live] = await Promise.all([
    analyzeFace(engine, documentImage, { embedding: true }),
    analyzeFace(engine, selfie, { embedding: true }),
  ]);
  const checks: DocumentImageCheck[] = [];
  if (!printed.face) {
    checks.push(failed('portrait-found', `no face on the document (${printed.noFaceReason ?? 'none'})`, config.minPortraitDetectionScore));
    checks.push(notApplicable('portrait-match', 'no portrait'));
    return checks;
  }
  checks.push(atLeast('portrait-found', printed.face.detectionScore, config.minPortraitDetectionScore, 'detector score of the largest face on the document'));
  if (!live.face?.embedding || !printed.face.embedding) {
    checks.push(failed('portrait-match', 'no face in the selfie'));
    return checks;
  }
  const cmp = compareFaces(printed.face.embedding, live.face.embedding, engine.matching);
  checks.push({ name: 'portrait-match', score: cmp.distance, threshold: cmp.threshold, outcome: cmp.match ? 'pass' : 'fail', detail: `descriptor distance (score ${cmp.score.toFixed(3)}; smaller is more alike)` });
  return checks;
}
