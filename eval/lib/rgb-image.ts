// Pure-JavaScript decode of JPEG (jpeg-js) and PNG (pngjs) to packed 8-bit RGB, for the face-api peer,
// which in Node without tfjs-node has no decoder of its own. EXIF orientation is not applied (jpeg-js
// ignores it), so a rotated phone JPEG reaches the peer as stored.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 3 bytes, row-major RGB. */
  readonly rgb: Uint8Array;
}

/** Largest image decoded here: the same order as a 24-megapixel photo, and a bound on memory. */
const MAX_PIXELS = 40_000_000;

function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

function isPng(bytes: Uint8Array): boolean {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = rgba[j];
    rgb[i + 1] = rgba[j + 1];
    rgb[i + 2] = rgba[j + 2];
  }
  return rgb;
}

export function decodeRgbImage(bytes: Buffer): RgbImage {
  if (isJpeg(bytes)) {
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_PIXELS / 1e6 });
    return { width: decoded.width, height: decoded.height, rgb: decoded.data };
  }
  if (isPng(bytes)) {
    // pngjs expands palette, grey, 16-bit and alpha images to 8-bit RGBA; alpha is dropped here.
    const png = PNG.sync.read(bytes);
    if (png.width * png.height > MAX_PIXELS) throw new RangeError(`image too large: ${png.width}x${png.height}`);
    return { width: png.width, height: png.height, rgb: rgbaToRgb(png.data, png.width, png.height) };
  }
  throw new TypeError('image is neither JPEG nor PNG');
}

/** Crops a rectangle (clamped to the image) into a new RGB image. */
export function cropRgbImage(image: RgbImage, x: number, y: number, width: number, height: number): RgbImage {
  const left = Math.max(0, Math.round(x));
  const top = Math.max(0, Math.round(y));
  const right = Math.min(image.width, Math.round(x + width));
  const bottom = Math.min(image.height, Math.round(y + height));
  if (right <= left || bottom <= top) throw new RangeError(`crop ${x},${y} ${width}x${height} lies outside the ${image.width}x${image.height} image`);
  const rgb = new Uint8Array((right - left) * (bottom - top) * 3);
  for (let row = top; row < bottom; row++) {
    rgb.set(image.rgb.subarray((row * image.width + left) * 3, (row * image.width + right) * 3), (row - top) * (right - left) * 3);
  }
  return { width: right - left, height: bottom - top, rgb };
}

/** JPEG-encodes an RGB image (quality 0-100) with jpeg-js. */
export function encodeJpeg(image: RgbImage, quality: number): Buffer {
  const rgba = Buffer.alloc(image.width * image.height * 4, 255);
  for (let i = 0, j = 0; i < image.rgb.length; i += 3, j += 4) {
    rgba[j] = image.rgb[i];
    rgba[j + 1] = image.rgb[i + 1];
    rgba[j + 2] = image.rgb[i + 2];
  }
  return jpeg.encode({ data: rgba, width: image.width, height: image.height }, quality).data;
}
