// 16-bit depth and 8/16-bit IR frames as greyscale PNG. Decoded in TypeScript with pngjs: the
// header is checked before any pixel work (bit depth, colour type, size, pixel limit) so a wrong file
// gets a precise error, the all-zero check needs the pixels anyway, and the native checks then receive
// one raw format (uint16 millimetre units) that the synthetic generator also produces directly.
import { PNG } from 'pngjs';
import { ProofgateError } from '../errors.js';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function captureError(code: string, message: string): ProofgateError {
  return new ProofgateError(code, message, { status: 400 });
}

/** Reads the IHDR chunk; `what` names the frame in messages ("depth", "ir"). */
export function readPngHeader(png: Buffer, what: string): PngHeader {
  if (!Buffer.isBuffer(png) || png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw captureError('ERR_DEPTH_FORMAT', `${what} frame: not a PNG file`);
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png[24], colorType: png[25] };
}

/** Decodes a greyscale PNG of the expected bit depth(s) into one value per pixel. */
export function decodeGreyPng(png: Buffer, what: string, bitDepths: readonly (8 | 16)[], maxPixels: number): { header: PngHeader; values: Uint16Array | Uint8Array } {
  const header = readPngHeader(png, what);
  if (header.colorType !== 0) throw captureError('ERR_DEPTH_FORMAT', `${what} frame: greyscale PNG expected (colour type 0), got colour type ${header.colorType}`);
  if (!(bitDepths as number[]).includes(header.bitDepth)) {
    throw captureError('ERR_DEPTH_BIT_DEPTH', `${what} frame: ${bitDepths.join(' or ')}-bit PNG expected, got ${header.bitDepth}-bit`);
  }
  if (header.width < 1 || header.height < 1 || header.width * header.height > maxPixels) {
    throw captureError('ERR_DEPTH_FORMAT', `${what} frame: ${header.width}x${header.height} is outside 1..${maxPixels} pixels`);
  }
  let decoded: PNG;
  try {
    decoded = PNG.sync.read(png, { skipRescale: true });
  } catch (err) {
    throw captureError('ERR_DEPTH_FORMAT', `${what} frame: PNG does not decode (${(err as Error).message})`);
  }
  // pngjs expands grey to RGBA; keep the first channel.
  const n = header.width * header.height;
  const values = header.bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  const rgba = decoded.data as unknown as ArrayLike<number>;
  for (let i = 0; i < n; i++) values[i] = rgba[i * 4];
  return { header, values };
}

/** Encodes millimetre depth (or 16-bit IR) as a 16-bit greyscale PNG. */
export function encodeGrey16Png(values: Uint16Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return PNG.sync.write(png, { bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** Encodes an 8-bit greyscale PNG (IR frames). */
export function encodeGrey8Png(values: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, bitDepth: 8, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return PNG.sync.write(png, { bitDepth: 8, colorType: 0, inputColorType: 0, inputHasAlpha: false });
}
