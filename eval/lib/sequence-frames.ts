// Each frame of a capture sequence through the real face engine, as the server analyses challenge
// frames (analyzeFace with the configured detector and mesh), keeping what the browser-liveness checks
// need: the 468 landmarks of the largest confirmed face, the face count (the server refuses a frame
// without exactly one face), the frame size and the bytes' SHA-256 (identical-frame injection signal).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { analyzeFace } from '../../src/biometrics/analyze-face.js';
import type { FaceEngine } from '../../src/biometrics/face-engine.js';

export interface FrameAnalysis {
  /** The frame's path as written in sequences.csv. */
  readonly frame: string;
  readonly sha256: string;
  /** Decoded size (after EXIF orientation); 0 when the frame could not be decoded. */
  readonly width: number;
  readonly height: number;
  readonly faceCount: number;
  /** The detector's scores, best first (a second, weak detection is what refuses many webcam frames). */
  readonly detectionScores: number[];
  /** 468 x (x, y, z) image pixels of the largest face the mesh confirmed; null when none. */
  readonly landmarks: Float32Array | null;
  /** Head yaw from the mesh (degrees), for the report; null without a face. */
  readonly yawDeg: number | null;
  readonly interocularPx: number | null;
  /** Why there is no face ("no-detection", "landmarks-rejected") or the decode error; null with a face. */
  readonly problem: string | null;
}

export async function analyseSequenceFrames(engine: FaceEngine, frames: readonly string[], framePaths: readonly string[]): Promise<FrameAnalysis[]> {
  const out: FrameAnalysis[] = [];
  for (const [i, file] of framePaths.entries()) {
    const bytes = readFileSync(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    try {
      // No embedding: the checks judge geometry; the server's same-person check is not evaluated here.
      const a = await analyzeFace(engine, bytes, { embedding: false });
      out.push({
        frame: frames[i], sha256, width: a.image.width, height: a.image.height, faceCount: a.faceCount,
        detectionScores: a.detections.map((d) => Math.round(d.score * 1000) / 1000),
        landmarks: a.face?.landmarks468 ?? null,
        yawDeg: a.face ? Math.round(a.face.quality.yaw * 10) / 10 : null,
        interocularPx: a.face ? Math.round(a.face.quality.interocularPx * 10) / 10 : null,
        problem: a.face ? null : a.noFaceReason,
      });
    } catch (error) {
      // An unreadable frame is that frame's failure (the server refuses the sequence), not the end of the run.
      out.push({ frame: frames[i], sha256, width: 0, height: 0, faceCount: 0, detectionScores: [], landmarks: null, yawDeg: null, interocularPx: null, problem: String((error as Error).message ?? error) });
    }
  }
  return out;
}
