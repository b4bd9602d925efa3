// Image fixtures for the face-engine tests, generated in pure JS (jpeg-js, pngjs): geometric variants of
// the demo face crops (test/helpers/face-photos.ts cuts those), pictures without faces, EXIF-tagged
// JPEGs, and a corpus of broken or hostile files. Nothing is read from outside node_modules.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

export function decodeJpeg(bytes: Buffer): Rgba {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  return { width: img.width, height: img.height, data: img.data };
}

export function encodeJpeg(img: Rgba, quality = 90): Buffer {
  return Buffer.from(jpeg.encode({ data: img.data, width: img.width, height: img.height }, quality).data);
}

export function encodePng(img: Rgba): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data);
  return PNG.sync.write(png);
}

function sample(img: Rgba, x: number, y: number, c: number): number {
  const cx = Math.min(img.width - 1, Math.max(0, x));
  const cy = Math.min(img.height - 1, Math.max(0, y));
  return img.data[(cy * img.width + cx) * 4 + c];
}

/** The opaque RGB colour at source position (sx, sy), bilinear with edges repeated, into out[at..at+3]. */
function writeBilinear(img: Rgba, sx: number, sy: number, out: Uint8Array, at: number): void {
  const ix = Math.floor(sx);
  const iy = Math.floor(sy);
  const wx = sx - ix;
  const wy = sy - iy;
  for (let c = 0; c < 3; c++) {
    const top = sample(img, ix, iy, c) * (1 - wx) + sample(img, ix + 1, iy, c) * wx;
    const bottom = sample(img, ix, iy + 1, c) * (1 - wx) + sample(img, ix + 1, iy + 1, c) * wx;
    out[at + c] = Math.round(top * (1 - wy) + bottom * wy);
  }
  out[at + 3] = 255;
}

/** Turns the picture by `degrees` (counter-clockwise) about its centre, bilinear, edges repeated. */
export function rotate(img: Rgba, degrees: number): Rgba {
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = img.width / 2;
  const cy = img.height / 2;
  const out = new Uint8Array(img.width * img.height * 4);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      // Inverse map: output pixel -> source position (image y grows downwards).
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const sx = cos * dx - sin * dy + cx - 0.5;
      const sy = sin * dx + cos * dy + cy - 0.5;
      writeBilinear(img, sx, sy, out, (y * img.width + x) * 4);
    }
  }
  return { width: img.width, height: img.height, data: out };
}

/** Bilinear resize to width x height (enlarging a small crop gives a soft, detail-less picture). */
export function resize(img: Rgba, width: number, height: number): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = ((x + 0.5) * img.width) / width - 0.5;
      const sy = ((y + 0.5) * img.height) / height - 0.5;
      writeBilinear(img, sx, sy, data, (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** Multiplies every colour value by `factor` (under- or over-exposure). */
export function scaleBrightness(img: Rgba, factor: number): Rgba {
  const data = Uint8Array.from(img.data, (v, i) => (i % 4 === 3 ? v : Math.min(255, Math.round(v * factor))));
  return { width: img.width, height: img.height, data };
}

/** Mirror image (left-right). */
export function mirror(img: Rgba): Rgba {
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      out.set(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4), (y * img.width + (img.width - 1 - x)) * 4);
    }
  }
  return { width: img.width, height: img.height, data: out };
}

/** The picture turned 90 degrees clockwise, as a camera held sideways stores it. */
export function turnClockwise(img: Rgba): Rgba {
  const out = new Uint8Array(img.data.length);
  const w = img.height;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      // (x, y) -> (h - 1 - y, x) in a width-h image
      out.set(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4), (x * w + (img.height - 1 - y)) * 4);
    }
  }
  return { width: img.height, height: img.width, data: out };
}

/** Turns the picture 90 degrees counter-clockwise (undoes turnClockwise). */
export function turnCounterClockwise(img: Rgba): Rgba {
  return turnClockwise(turnClockwise(turnClockwise(img)));
}

/** Places pictures side by side on a grey canvas, each vertically centred. */
export function sideBySide(images: Rgba[], gap = 20): Rgba {
  const width = images.reduce((w, i) => w + i.width, 0) + gap * (images.length + 1);
  const height = Math.max(...images.map((i) => i.height)) + 2 * gap;
  const data = new Uint8Array(width * height * 4).fill(128);
  let left = gap;
  for (const img of images) {
    const top = Math.floor((height - img.height) / 2);
    for (let y = 0; y < img.height; y++) {
      data.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), ((top + y) * width + left) * 4);
    }
    left += img.width + gap;
  }
  return { width, height, data };
}

/** A picture with no face: smooth colour gradients plus a few hard-edged rectangles. */
export function noFacePicture(width = 640, height = 480): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const block = ((x >> 6) + (y >> 6)) % 3 === 0;
      data[i] = block ? 30 : Math.round((255 * x) / width);
      data[i + 1] = block ? 200 : Math.round((255 * y) / height);
      data[i + 2] = block ? 90 : 160;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Inserts an EXIF APP1 segment whose IFD0 holds only Orientation (1..8) right after SOI. */
export function withExifOrientation(jpegBytes: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD0 at offset 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, orientation >> 8, orientation & 0xff, 0x00, 0x00, // Orientation, SHORT, 1
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const segment = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
  return Buffer.concat([jpegBytes.subarray(0, 2), segment, jpegBytes.subarray(2)]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  // The CRC is left zero: OpenCV must refuse on the header size before it ever checks one.
  return Buffer.concat([length, Buffer.from(type, 'ascii'), data, Buffer.alloc(4)]);
}

/** A PNG that is only a signature and an IHDR declaring width x height (8-bit RGB). */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A JPEG whose frame header (SOF0) declares width x height, followed by a stub scan and EOI. */
export function jpegHeaderOnly(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03,
    0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  const sos = Buffer.from([0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, sos, Buffer.alloc(64, 0x55), Buffer.from([0xff, 0xd9])]);
}

/** An extended WebP (VP8X) header declaring a width x height canvas, with no image data. */
export function webpHeaderOnly(width: number, height: number): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  // VP8X chunk, then an empty VP8L chunk where the image data would start.
  const chunk = Buffer.concat([Buffer.from('VP8X', 'ascii'), Buffer.from([10, 0, 0, 0]), vp8x, Buffer.from('VP8L', 'ascii'), Buffer.alloc(4)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(4 + chunk.length, 4);
  return Buffer.concat([riff, Buffer.from('WEBP', 'ascii'), chunk]);
}

/** A 4x4 lossless WebP (red left half, blue right half), made with OpenCV's encoder and kept inline. */
export const TINY_WEBP = Buffer.from('UklGRh4AAABXRUJQVlA4TBIAAAAvA8AAAA8Q87//8x8OOhDR/wA=', 'base64');
