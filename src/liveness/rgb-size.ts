// The pixel size of the RGB frame from its header (PNG IHDR or JPEG SOFn), to check that the depth
// frame is aligned to it without decoding the colour image here.
import { captureError } from './depth-png.js';

export function rgbFrameSize(image: Buffer): { width: number; height: number } {
  if (!Buffer.isBuffer(image) || image.length < 24) throw captureError('ERR_IMAGE_INVALID', 'rgb frame: empty or truncated image');
  if (image[0] === 0x89 && image.toString('latin1', 1, 4) === 'PNG' && image.toString('latin1', 12, 16) === 'IHDR') {
    return { width: image.readUInt32BE(16), height: image.readUInt32BE(20) };
  }
  if (image[0] === 0xff && image[1] === 0xd8) {
    let pos = 2;
    while (pos + 9 < image.length) {
      if (image[pos] !== 0xff) break;
      const marker = image[pos + 1];
      if (marker === 0xff) { pos += 1; continue; }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { pos += 2; continue; }
      const length = image.readUInt16BE(pos + 2);
      const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrameHeader) return { height: image.readUInt16BE(pos + 5), width: image.readUInt16BE(pos + 7) };
      pos += 2 + length;
    }
    throw captureError('ERR_IMAGE_INVALID', 'rgb frame: JPEG without a frame header');
  }
  throw captureError('ERR_UNSUPPORTED_MEDIA_TYPE', 'rgb frame: JPEG or PNG expected');
}
