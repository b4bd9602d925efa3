// imageThumbnail(image, maxPixels, size): decodes an upload on the libuv pool and returns a size x size
// greyscale thumbnail, area-averaged (row by row, 0..255), or rejects with the typed image errors
// analyzeFace() gives. The liveness injection signals compare the frames of a challenge sequence on it.
import { ProofgateError } from '../core/errors.js';
import { callNative } from '../native/call-native.js';
import { FACE_NATIVE } from './face-errors.js';
import { nativeFace } from './native-face.js';

/** Largest thumbnail side: a thumbnail is for comparing whole pictures, not for looking at them. */
export const MAX_THUMBNAIL_SIDE = 256;

export async function imageThumbnail(image: Buffer, maxPixels: number, size: number): Promise<Uint8Array> {
  if (!Buffer.isBuffer(image)) throw new ProofgateError('ERR_BAD_REQUEST', 'imageThumbnail: image must be a Buffer', { status: 400 });
  if (!Number.isInteger(maxPixels) || maxPixels < 1) throw new ProofgateError('ERR_BAD_REQUEST', 'imageThumbnail: maxPixels must be a positive integer', { status: 400 });
  if (!Number.isInteger(size) || size < 1 || size > MAX_THUMBNAIL_SIDE) {
    throw new ProofgateError('ERR_BAD_REQUEST', `imageThumbnail: size must be an integer in [1, ${MAX_THUMBNAIL_SIDE}]`, { status: 400 });
  }
  return callNative(imageThumbnail, () => nativeFace().imageThumbnail(image, { maxPixels, size }), FACE_NATIVE);
}
