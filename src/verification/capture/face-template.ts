// A stored face template: the embedding as float32 little-endian bytes (BiometricProfile.template) and
// the id of the embedder that made it (BiometricProfile.modelId, the profiles.model_id column). The two
// travel together: a template only ever compares with an embedding from the same embedder.
import { ProofgateError } from '../../core/errors.js';
import type { BiometricProfile } from '../../core/domain.js';

export interface FaceTemplate {
  /** The embedder id (FaceEngineRuntime.embedderId), e.g. "dlib-resnet29-9df3b823fc05". */
  embedder: string;
  vector: Float32Array;
}

export function embeddingToTemplate(embedding: Float32Array): Buffer {
  const out = Buffer.alloc(embedding.length * 4);
  embedding.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}

export function templateToEmbedding(template: Buffer): Float32Array {
  if (template.length === 0 || template.length % 4 !== 0) {
    throw new ProofgateError('ERR_STORE', `stored face template has ${template.length} bytes, not a whole number of float32 values`);
  }
  const out = new Float32Array(template.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = template.readFloatLE(i * 4);
  return out;
}

/** The profile's template with the embedder it belongs to. */
export function profileTemplate(profile: Pick<BiometricProfile, 'template' | 'modelId'>): FaceTemplate {
  return { embedder: profile.modelId, vector: templateToEmbedding(profile.template) };
}
