// The per-deployment evidence data key: 32 random bytes generated once, stored only wrapped by the HSM
// (DataKeyWrapper), unwrapped into process memory on first use. Losing the HSM's wrapping key makes
// all stored evidence unreadable by design.
import { randomBytes } from 'node:crypto';
import { ProofgateError } from '../core/errors.js';
import type { DataKeyWrapper } from '../hsm/signing-key.js';
import type { Repository, WrappedDataKey } from './repository.js';

export const DATA_KEY_BYTES = 32;

function dataKeyError(message: string, cause?: unknown): ProofgateError {
  return new ProofgateError('ERR_DATA_KEY', message, { status: 500, expose: false, cause });
}

/** Returns the deployment's wrapped data key, creating and wrapping a fresh one if there is none yet. */
export async function ensureDataKey(repo: Repository, wrapper: DataKeyWrapper, now: number): Promise<WrappedDataKey> {
  const existing = repo.getDataKey();
  if (existing) return existing;
  const fresh = randomBytes(DATA_KEY_BYTES);
  try {
    const wrapped = await wrapper.wrap(fresh);
    // First writer wins: a concurrent process may have stored its key meanwhile; then we use that one.
    return repo.saveDataKey({ keyId: `dk_${randomBytes(12).toString('base64url')}`, wrappingKeyId: wrapper.wrappingKeyId, wrapped, createdAt: now });
  } finally {
    fresh.fill(0);
  }
}

/** Unwraps a stored data key with the HSM, checking it was wrapped by this wrapping key. */
export async function unwrapDataKey(key: WrappedDataKey, wrapper: DataKeyWrapper): Promise<Buffer> {
  if (key.wrappingKeyId !== wrapper.wrappingKeyId) {
    throw dataKeyError(`data key ${key.keyId} is wrapped by ${key.wrappingKeyId}, but the HSM offers ${wrapper.wrappingKeyId}`);
  }
  let plain: Buffer;
  try {
    plain = await wrapper.unwrap(key.wrapped);
  } catch (e) {
    if (e instanceof ProofgateError) throw e;
    throw dataKeyError(`data key ${key.keyId} could not be unwrapped: ${(e as Error).message}`, e);
  }
  if (plain.length !== DATA_KEY_BYTES) throw dataKeyError(`data key ${key.keyId} unwrapped to ${plain.length} bytes, expected ${DATA_KEY_BYTES}`);
  return plain;
}
