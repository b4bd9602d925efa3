// The RGB-D capture format and its validation. A capture is what the capture client uploads for one
// verification attempt: an RGB frame, a depth frame aligned to it (16-bit greyscale PNG, 0 = no data),
// the depth camera's intrinsics and depth unit, optionally an IR frame and a short sequence of frames
// for the active challenge, the session's challenge nonce and the capture time. Every problem is a
// ProofgateError with a stable code and a message that says what was wrong; nothing is changed.
import { captureError, checkGreyPngHeader } from './depth-png.js';
import { rgbFrameSize } from './rgb-size.js';
import { MESH_POINT_COUNT } from './facemesh-points.js';

export interface DepthIntrinsics {
  /** Focal lengths in pixels. */
  fx: number;
  fy: number;
  /** Principal point in pixels (OpenCV convention: pixel centres at integer coordinates). */
  cx: number;
  cy: number;
}

/** One frame of the challenge sequence: its RGB image and the nonce and time the client stamped it with. */
export interface SequenceFrame {
  rgb: Buffer;
  nonce: string;
  /** Milliseconds since the Unix epoch. */
  capturedAt: number;
}

export interface RgbdCapture {
  /** The colour frame (JPEG or PNG) the face engine analyses. */
  rgb: Buffer;
  /** Depth aligned to `rgb` (same width and height): 16-bit greyscale PNG, 0 = no data. */
  depthPng: Buffer;
  /** Millimetres per depth unit (1 for millimetre PNGs; RealSense's default depth scale is 1 mm). */
  depthUnitMm: number;
  /** Intrinsics of the aligned depth frame (those of the colour camera when depth is aligned to colour). */
  intrinsics: DepthIntrinsics;
  /** Optional infrared frame, same size: 8- or 16-bit greyscale PNG. */
  irPng?: Buffer;
  /** Optional frames for the active challenge (turn head, blink). */
  sequence?: SequenceFrame[];
  /** The verification session's challenge nonce, echoed by the client. */
  nonce: string;
  /** When the capture was taken, milliseconds since the Unix epoch. */
  capturedAt: number;
}

/** A decoded depth frame: the checks' native input (also what the synthetic generator produces). */
export interface DepthFrame {
  width: number;
  height: number;
  depth: Uint16Array;
  depthUnitMm: number;
  intrinsics: DepthIntrinsics;
  ir?: { values: Uint8Array | Uint16Array; bits: 8 | 16 };
}

/** An uploaded depth frame whose PNG headers passed validation; the native worker decodes the pixels. */
export interface EncodedDepthFrame {
  width: number;
  height: number;
  depthPng: Buffer;
  depthUnitMm: number;
  intrinsics: DepthIntrinsics;
  irPng?: Buffer;
}

export interface ValidatedRgbdCapture {
  frame: EncodedDepthFrame;
  nonce: string;
  capturedAt: number;
  sequence: SequenceFrame[];
}

export interface CaptureLimits {
  maxDepthPixels: number;
  maxSequenceFrames: number;
}

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

export function validateIntrinsics(intrinsics: unknown, width: number, height: number): DepthIntrinsics {
  if (intrinsics === null || typeof intrinsics !== 'object') throw captureError('ERR_INTRINSICS_INVALID', 'intrinsics: an object {fx, fy, cx, cy} is required');
  const k = intrinsics as Record<string, unknown>;
  for (const key of ['fx', 'fy', 'cx', 'cy'] as const) {
    const v = k[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw captureError('ERR_INTRINSICS_INVALID', `intrinsics.${key}: a finite number is required, got ${v === undefined ? 'nothing' : String(v)}`);
  }
  const { fx, fy, cx, cy } = k as unknown as DepthIntrinsics;
  if (fx <= 0 || fy <= 0) throw captureError('ERR_INTRINSICS_INVALID', `intrinsics: focal lengths must be positive (fx=${fx}, fy=${fy})`);
  if (cx < 0 || cy < 0 || cx > width || cy > height) throw captureError('ERR_INTRINSICS_INVALID', `intrinsics: principal point (${cx}, ${cy}) lies outside the ${width}x${height} frame`);
  return { fx, fy, cx, cy };
}

/** Validates a depth frame given as raw values (also used after PNG decoding). */
export function validateDepthFrame(frame: DepthFrame): DepthFrame {
  const { width, height, depth } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw captureError('ERR_DEPTH_FORMAT', `depth frame: width and height must be positive integers (got ${width}x${height})`);
  }
  if (!(depth instanceof Uint16Array)) throw captureError('ERR_DEPTH_BIT_DEPTH', 'depth frame: 16-bit values (Uint16Array) expected');
  if (depth.length !== width * height) throw captureError('ERR_DEPTH_SIZE_MISMATCH', `depth frame: ${depth.length} values for ${width}x${height}`);
  if (typeof frame.depthUnitMm !== 'number' || !Number.isFinite(frame.depthUnitMm) || frame.depthUnitMm <= 0 || frame.depthUnitMm > 100) {
    throw captureError('ERR_DEPTH_FORMAT', `depthUnitMm: a number in (0, 100] is required, got ${String(frame.depthUnitMm)}`);
  }
  if (!depth.some((v) => v !== 0)) throw captureError('ERR_DEPTH_EMPTY', 'depth frame: every pixel is 0 (no depth data)');
  const intrinsics = validateIntrinsics(frame.intrinsics, width, height);
  if (frame.ir) {
    const { values, bits } = frame.ir;
    if (bits !== 8 && bits !== 16) throw captureError('ERR_DEPTH_BIT_DEPTH', `ir frame: 8 or 16 bits expected, got ${String(bits)}`);
    if (!(bits === 8 ? values instanceof Uint8Array : values instanceof Uint16Array)) throw captureError('ERR_DEPTH_BIT_DEPTH', `ir frame: values do not match ${bits} bits`);
    if (values.length !== width * height) throw captureError('ERR_DEPTH_SIZE_MISMATCH', `ir frame: ${values.length} pixels, depth frame has ${width * height}`);
  }
  return { ...frame, intrinsics };
}

/**
 * Validates an uploaded capture from its headers (sizes, bit depths, intrinsics, nonce, sequence shape).
 * The pixels are decoded by the native worker off the event loop, which also refuses an all-zero
 * depth frame (ERR_DEPTH_EMPTY) and a PNG whose body does not decode (ERR_DEPTH_FORMAT).
 */
export function validateRgbdCapture(capture: RgbdCapture, limits: CaptureLimits): ValidatedRgbdCapture {
  if (capture === null || typeof capture !== 'object') throw captureError('ERR_BAD_REQUEST', 'capture: an object is required');
  if (typeof capture.nonce !== 'string' || !NONCE.test(capture.nonce)) throw captureError('ERR_CHALLENGE_NONCE', 'capture.nonce: the session nonce (16-128 URL-safe characters) is required');
  if (typeof capture.capturedAt !== 'number' || !Number.isFinite(capture.capturedAt)) throw captureError('ERR_BAD_REQUEST', 'capture.capturedAt: milliseconds since the epoch are required');
  const rgb = rgbFrameSize(capture.rgb);
  const depth = checkGreyPngHeader(capture.depthPng, 'depth', [16], limits.maxDepthPixels);
  if (depth.width !== rgb.width || depth.height !== rgb.height) {
    throw captureError('ERR_DEPTH_SIZE_MISMATCH', `depth frame is ${depth.width}x${depth.height}, rgb frame is ${rgb.width}x${rgb.height}: depth must be aligned to colour`);
  }
  if (capture.irPng !== undefined) {
    const ir = checkGreyPngHeader(capture.irPng, 'ir', [8, 16], limits.maxDepthPixels);
    if (ir.width !== rgb.width || ir.height !== rgb.height) {
      throw captureError('ERR_DEPTH_SIZE_MISMATCH', `ir frame is ${ir.width}x${ir.height}, rgb frame is ${rgb.width}x${rgb.height}`);
    }
  }
  if (typeof capture.depthUnitMm !== 'number' || !Number.isFinite(capture.depthUnitMm) || capture.depthUnitMm <= 0 || capture.depthUnitMm > 100) {
    throw captureError('ERR_DEPTH_FORMAT', `depthUnitMm: a number in (0, 100] is required, got ${String(capture.depthUnitMm)}`);
  }
  const intrinsics = validateIntrinsics(capture.intrinsics, rgb.width, rgb.height);
  const sequence = capture.sequence ?? [];
  if (!Array.isArray(sequence) || sequence.length > limits.maxSequenceFrames) {
    throw captureError('ERR_BAD_REQUEST', `capture.sequence: at most ${limits.maxSequenceFrames} frames`);
  }
  sequence.forEach((f, i) => {
    if (!f || !Buffer.isBuffer(f.rgb) || typeof f.nonce !== 'string' || typeof f.capturedAt !== 'number' || !Number.isFinite(f.capturedAt)) {
      throw captureError('ERR_BAD_REQUEST', `capture.sequence[${i}]: {rgb: Buffer, nonce: string, capturedAt: number} required`);
    }
  });
  return {
    frame: { width: rgb.width, height: rgb.height, depthPng: capture.depthPng, depthUnitMm: capture.depthUnitMm, intrinsics, irPng: capture.irPng },
    nonce: capture.nonce, capturedAt: capture.capturedAt, sequence,
  };
}

/** Face-engine landmarks: 468 points, stride 2 or 3, finite and inside the frame (with a margin). */
export function validateLandmarks(landmarks: unknown, width: number, height: number): { points: Float32Array; stride: 2 | 3 } {
  if (!(landmarks instanceof Float32Array) && !(landmarks instanceof Float64Array) && !Array.isArray(landmarks)) {
    throw captureError('ERR_LANDMARKS_INVALID', 'landmarks: 468 points as a Float32Array (x, y[, z] per point) are required');
  }
  const values = landmarks as ArrayLike<number>;
  const stride = values.length === MESH_POINT_COUNT * 3 ? 3 : values.length === MESH_POINT_COUNT * 2 ? 2 : 0;
  if (stride === 0) throw captureError('ERR_LANDMARKS_INVALID', `landmarks: ${MESH_POINT_COUNT}x2 or ${MESH_POINT_COUNT}x3 values expected, got ${values.length}`);
  const points = values instanceof Float32Array ? values : Float32Array.from(values);
  for (let i = 0; i < MESH_POINT_COUNT; i++) {
    const x = points[i * stride];
    const y = points[i * stride + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw captureError('ERR_LANDMARKS_INVALID', `landmarks: point ${i} is not finite`);
    if (x < -width || y < -height || x > 2 * width || y > 2 * height) throw captureError('ERR_LANDMARKS_INVALID', `landmarks: point ${i} (${x}, ${y}) is far outside the ${width}x${height} frame`);
  }
  return { points, stride: stride as 2 | 3 };
}
