// The real face engine for flow tests, loaded once per test process (model load is the slow part).
import { buildConfig } from '../../src/config/index.js';
import { loadFaceAnalyzer } from '../../src/verification/capture/face-analyzer.js';
import type { FaceAnalyzer } from '../../src/verification/capture/ports.js';

let engine: Promise<FaceAnalyzer> | undefined;

export function e2eFaceEngine(): Promise<FaceAnalyzer> {
  engine ??= loadFaceAnalyzer(buildConfig({}));
  return engine;
}
