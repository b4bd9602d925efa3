// 16-bit depth and 8/16-bit IR frames as greyscale PNG. Uploads are validated here from the header
// alone (colour type, bit depth, size, pixel limit: precise errors, no pixel work on the event loop)
// and decoded by the native worker with cv::imdecode(IMREAD_ANYDEPTH), off the event loop and
// without a copy across the boundary. pngjs decoding and encoding serve the offline tools (the
// evaluation's --data loader, tests, the synthetic suite's PNG files).
import { PNG } from 'pngjs';
import { ProofgateError, type ErrorCode } from '../core/errors.js';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function captureError(code: ErrorCode, message: string): ProofgateError {
  return new ProofgateError(code, message, { status: 400 });
}

/** Reads the IHDR chunk; `what` names the frame in messages ("depth", "ir"). */
export function readPngHeader(png: Buffer, what: string): PngHeader {
  if (!Buffer.isBuffer(png) || png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw captureError('ERR_DEPTH_FORMAT', `${what} frame: not a PNG file`);
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png[24], colorType: png[25] };
}

/** Checks a greyscale PNG's header against the expected bit depths and the pixel limit. */
export function checkGreyPngHeader(png: Buffer, what: string, bitDepths: readonly number[], maxPixels: number): PngHeader {
  const header = readPngHeader(png, what);
  if (header.colorType !== 0) throw captureError('ERR_DEPTH_FORMAT', `${what} frame: greyscale PNG expected (colour type 0), got colour type ${header.colorType}`);
  if (!bitDepths.includes(header.bitDepth)) throw captureError('ERR_DEPTH_BIT_DEPTH', `${what} frame: ${bitDepths.join(' or ')}-bit PNG expected, got ${header.bitDepth}-bit`);
  if (header.width < 1 || header.height < 1 || header.width * header.height > maxPixels) {
    throw captureError('ERR_DEPTH_FORMAT', `${what} frame: ${header.width}x${header.height} is outside 1..${maxPixels} pixels`);
  }
  return header;
}

/** Decodes a greyscale PNG of the expected bit depth(s) into one value per pixel (offline tools). */
export function decodeGreyPng(png: Buffer, what: string, bitDepths: readonly (8 | 16)[], maxPixels: number): { header: PngHeader; values: Uint16Array | Uint8Array } {
  const header = checkGreyPngHeader(png, what, bitDepths, maxPixels);
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
