// The addon's V4L2 capture for the kiosk agent's RGB-D camera (native/src/v4l2/). Arguments are built and
// bounded by the caller (src/kiosk/devices/camera/); failures keep the native code (ERR_V4L2_UNPLUGGED,
// _ACCESS, _BUSY, _NOT_CAPTURE, _FORMAT, _TIMEOUT, _REMOVED, _CORRUPT, _IO, _ENCODE) with the caller's
// stack joined, for the camera adapter to turn into the station's device errors.
import { nativeAddon } from './addon.js';
import { captureCallSite, nativeCodeOf } from './native-errors.js';

export const V4L2_PIX_FMT_Z16 = fourcc('Z16 ');
export const V4L2_PIX_FMT_YUYV = fourcc('YUYV');

export function fourcc(code: string): number {
  if (code.length !== 4) throw new RangeError(`a fourcc has 4 characters: ${code}`);
  return (code.charCodeAt(0) | (code.charCodeAt(1) << 8) | (code.charCodeAt(2) << 16) | (code.charCodeAt(3) << 24)) >>> 0;
}

export interface V4l2CaptureRequest {
  device: string;
  fourcc: number;
  width: number;
  height: number;
  warmupFrames: number;
  frames: number;
  intervalMs: number;
  timeoutMs: number;
  maxFrameBytes: number;
}

export interface V4l2Frame { data: Buffer; sequence: number; timestampUs: number }
export interface V4l2Capture { driver: string; card: string; busInfo: string; width: number; height: number; bytesPerLine: number; frames: V4l2Frame[] }
export interface V4l2DeviceInfo { driver: string; card: string; busInfo: string; formats: string[] }

export class V4l2Error extends Error {
  constructor(readonly code: string, message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'V4l2Error';
  }
}

async function call<T>(caller: Function, invoke: () => Promise<T>): Promise<T> {
  const site = captureCallSite(caller);
  try {
    return await invoke();
  } catch (e) {
    const error = new V4l2Error(nativeCodeOf(e), e instanceof Error ? e.message : String(e), e);
    error.stack = `V4l2Error [${error.code}]: ${error.message}\n${site}`;
    throw error;
  }
}

export function v4l2CaptureFrames(request: V4l2CaptureRequest): Promise<V4l2Capture> {
  return call(v4l2CaptureFrames, () => nativeAddon().v4l2CaptureFrames(request));
}

export function v4l2ProbeDevice(device: string): Promise<V4l2DeviceInfo> {
  return call(v4l2ProbeDevice, () => nativeAddon().v4l2ProbeDevice(device));
}

export function v4l2YuyvToJpeg(frame: Buffer, opts: { width: number; height: number; quality: number }): Promise<Buffer> {
  if (frame.length !== opts.width * opts.height * 2 || opts.width % 2 !== 0) {
    return Promise.reject(new V4l2Error('ERR_V4L2_CORRUPT', `a YUYV ${opts.width}x${opts.height} frame holds ${opts.width * opts.height * 2} bytes, not ${frame.length}`, null));
  }
  return call(v4l2YuyvToJpeg, () => nativeAddon().v4l2YuyvToJpeg(frame, opts));
}
