// Checks that image bytes are what their declared media type says, before anything decodes them.
import { ProofgateError } from '../../core/errors.js';
import type { ImageMediaType } from './capture.js';

function looksLike(bytes: Buffer, mediaType: ImageMediaType): boolean {
  switch (mediaType) {
    case 'image/jpeg':
      return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    case 'image/png':
      return bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/webp':
      return bytes.length > 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP';
  }
}

/** Throws ERR_IMAGE_INVALID (400) when the bytes are empty or do not start like `mediaType`. */
export function assertImageMatchesType(bytes: Buffer, mediaType: ImageMediaType, what = 'image'): void {
  if (bytes.length === 0) throw new ProofgateError('ERR_IMAGE_INVALID', `${what} is empty`, { status: 400 });
  if (!looksLike(bytes, mediaType)) {
    throw new ProofgateError('ERR_IMAGE_INVALID', `${what} is not a ${mediaType.slice('image/'.length).toUpperCase()} image`, { status: 400 });
  }
}
