// The face pipelines the evaluation and benchmark can run, by name.
import type { FaceSystem } from '../lib/face-system.js';
import { loadFaceApiSystem } from './face-api-system.js';
import { loadProofgateSystem } from './proofgate-system.js';

export const SYSTEM_LOADERS: Record<string, () => Promise<FaceSystem>> = {
  proofgate: () => loadProofgateSystem(),
  dlib: () => loadProofgateSystem('dlib-resnet', 'dlib'),
  mobilefacenet: () => loadProofgateSystem('mobilefacenet', 'mobilefacenet'),
  'face-api': loadFaceApiSystem,
};
