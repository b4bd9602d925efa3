// A stored face template is the embedding as float32 little-endian bytes (BiometricProfile.template).
import { ProofgateError } from '../../core/errors.js';

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
