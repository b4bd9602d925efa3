// A file cache of the face engine's per-frame analyses for `npm run eval:remote-liveness -- --frame-cache FILE`:
// the face engine is most of an evaluation's time (about a second a frame on a shared CPU), and the checks
// after it are what changes between two runs of the same data (a configuration before and after). The
// cache is keyed by sequence and frame path and checked against each frame's SHA-256, so a regenerated
// folder is analysed again, never judged on another frame's landmarks. Keep FILE outside the repository:
// it holds landmarks of the data's faces.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { FaceEngine } from '../../src/biometrics/face-engine.js';
import { analyseSequenceFrames, type FrameAnalysis } from './sequence-frames.js';

type Stored = Omit<FrameAnalysis, 'landmarks'> & { landmarks: number[] | null };

export interface FrameAnalysisCache {
  analyse(engine: FaceEngine, sequence: string, frames: readonly string[], framePaths: readonly string[]): Promise<FrameAnalysis[]>;
  /** Writes the cache file (when anything new was analysed). */
  save(): void;
}

export function openFrameAnalysisCache(file: string): FrameAnalysisCache {
  const stored: Record<string, Stored[]> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, Stored[]> : {};
  let dirty = false;
  return {
    async analyse(engine, sequence, frames, framePaths) {
      const hit = stored[sequence];
      const sameFrames = hit?.length === frames.length && hit.every((f, i) => f.frame === frames[i]
        && f.sha256 === createHash('sha256').update(readFileSync(framePaths[i])).digest('hex'));
      if (hit && sameFrames) return hit.map((f) => ({ ...f, landmarks: f.landmarks ? Float32Array.from(f.landmarks) : null }));
      const fresh = await analyseSequenceFrames(engine, frames, framePaths);
      stored[sequence] = fresh.map((f) => ({ ...f, landmarks: f.landmarks ? Array.from(f.landmarks) : null }));
      dirty = true;
      return fresh;
    },
    save() {
      if (dirty) writeFileSync(file, JSON.stringify(stored));
      dirty = false;
    },
  };
}
