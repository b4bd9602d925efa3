// The decisions' only contact with the stored template format (capture/face-template.ts): what a profile's
// template is as an embedding to compare with, and what an enrolment embedding is stored as. Kept in one
// place so a change of the template format (an embedder id beside the vector) touches this file alone.
import type { BiometricProfile } from '../../core/domain.js';
import { embeddingToTemplate, templateToEmbedding } from '../capture/face-template.js';

/** The enrolled embedding of a profile, for comparison. */
export function enrolledEmbedding(profile: Pick<BiometricProfile, 'template'>): Float32Array {
  return templateToEmbedding(profile.template);
}

/** The stored form of an enrolment embedding (BiometricProfile.template). */
export function enrolmentTemplate(embedding: Float32Array): Buffer {
  return embeddingToTemplate(embedding);
}
