// probeImage(image, maxPixels): decodes an upload on the libuv pool and reports its format and upright
// size, or rejects with the same typed errors analyzeFace() gives. For callers that must validate an
// image without running the face models.
import { ProofgateError } from '../core/errors.js';
import { callNative } from '../native/call-native.js';
import { FACE_NATIVE } from './face-errors.js';
import { nativeFace, type NativeImageInfo } from './native-face.js';

export type ImageInfo = NativeImageInfo;

export async function probeImage(image: Buffer, maxPixels: number): Promise<ImageInfo> {
  if (!Buffer.isBuffer(image)) throw new ProofgateError('ERR_BAD_REQUEST', 'probeImage: image must be a Buffer', { status: 400 });
  if (!Number.isInteger(maxPixels) || maxPixels < 1) throw new ProofgateError('ERR_BAD_REQUEST', 'probeImage: maxPixels must be a positive integer', { status: 400 });
  return callNative(probeImage, () => nativeFace().imageProbe(image, { maxPixels }), FACE_NATIVE);
}
