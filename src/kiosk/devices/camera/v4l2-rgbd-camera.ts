// The station's RGB-D camera over plain V4L2 (no vendor SDK): an Intel RealSense D4xx exposes its depth
// stream (V4L2_PIX_FMT_Z16) and its colour stream (YUYV) as separate /dev/video nodes through the
// standard uvcvideo driver. The agent streams both (native/src/v4l2/), aligns depth to colour with the
// calibration from kiosk.json (depth-registration.ts), and hands over the colour frame as JPEG and the
// depth as the 16-bit millimetre PNG the appliance reads. The two nodes are not hardware-synchronised:
// both are captured at the same moment, a frame apart at most at 30 fps.
import { encodeGrey16Png } from '../../../liveness/depth-png.js';
import { V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_Z16, V4l2Error, v4l2CaptureFrames, v4l2ProbeDevice, v4l2YuyvToJpeg, type V4l2Capture } from '../../../native/v4l2.js';
import type { KioskConfig } from '../../config/kiosk-config.js';
import type { DeviceStatus } from '../device.js';
import { KioskDeviceError, type KioskDeviceErrorCode } from '../device-error.js';
import type { ColourFrame, RgbdCamera, RgbdFrame } from './rgbd-camera.js';
import { registerDepthToColour, z16ToMillimetres } from './depth-registration.js';

const JPEG_QUALITY = 92;

const DEVICE_CODES: Readonly<Record<string, { code: KioskDeviceErrorCode; remedy: string }>> = {
  ERR_V4L2_UNPLUGGED: { code: 'unplugged', remedy: 'plug the RGB-D camera into a USB 3 port, and check that camera.depthDevice and camera.colourDevice name its nodes (v4l2-ctl --list-devices)' },
  ERR_V4L2_ACCESS: { code: 'unplugged', remedy: 'add the agent\'s user to the video group' },
  ERR_V4L2_BUSY: { code: 'busy', remedy: 'close the other program using the camera' },
  ERR_V4L2_NOT_CAPTURE: { code: 'unplugged', remedy: 'point camera.depthDevice/colourDevice at the camera\'s capture nodes, not its metadata nodes' },
  ERR_V4L2_FORMAT: { code: 'unplugged', remedy: 'set camera.depth/colour to a size the camera offers (v4l2-ctl -d DEV --list-formats-ext)' },
  ERR_V4L2_TIMEOUT: { code: 'timeout', remedy: 'reconnect the camera; it stopped sending frames' },
  ERR_V4L2_REMOVED: { code: 'removed', remedy: 'reconnect the camera' },
  ERR_V4L2_IO: { code: 'removed', remedy: 'reconnect the camera' },
  ERR_V4L2_CORRUPT: { code: 'corrupt', remedy: 'try again; if it persists, use another USB 3 port or cable' },
};

export function cameraError(e: unknown): KioskDeviceError {
  const code = e instanceof V4l2Error ? e.code : 'ERR_NATIVE_INTERNAL';
  const known = DEVICE_CODES[code];
  const message = e instanceof Error ? e.message : String(e);
  return known
    ? new KioskDeviceError('camera', known.code, `${message}; ${known.remedy}`, { cause: e })
    : new KioskDeviceError('camera', 'corrupt', `the camera capture failed: ${message}`, { cause: e });
}

/** The capture's kept frames with their wall-clock times (driver timestamps are monotonic). */
function wallClock(capture: V4l2Capture, receivedAt: number): { data: Buffer; capturedAt: number }[] {
  const last = capture.frames[capture.frames.length - 1]?.timestampUs ?? 0;
  return capture.frames.map((f) => ({ data: f.data, capturedAt: Math.round(receivedAt - (last - f.timestampUs) / 1000) }));
}

export class V4l2RgbdCamera implements RgbdCamera {
  readonly name = 'camera' as const;
  readonly #config: KioskConfig['camera'];
  readonly #now: () => number;

  constructor(config: KioskConfig['camera'], opts: { now?: () => number } = {}) {
    this.#config = config;
    this.#now = opts.now ?? Date.now;
  }

  #stream(which: 'depth' | 'colour', frames: number, intervalMs: number): Promise<V4l2Capture> {
    const c = this.#config;
    const size = which === 'depth' ? c.depth : c.colour;
    return v4l2CaptureFrames({
      device: which === 'depth' ? c.depthDevice : c.colourDevice, fourcc: which === 'depth' ? V4L2_PIX_FMT_Z16 : V4L2_PIX_FMT_YUYV,
      width: size.width, height: size.height, warmupFrames: c.warmupFrames, frames, intervalMs, timeoutMs: c.frameTimeoutMs,
      maxFrameBytes: size.width * size.height * 2,
    });
  }

  async captureRgbd(): Promise<RgbdFrame> {
    const c = this.#config;
    let depth: V4l2Capture, colour: V4l2Capture;
    try {
      [depth, colour] = await Promise.all([this.#stream('depth', 1, 0), this.#stream('colour', 1, 0)]);
    } catch (e) {
      throw cameraError(e);
    }
    const capturedAt = this.#now();
    return rgbdFromFrames(depth.frames[0].data, colour.frames[0].data, c, capturedAt);
  }

  async captureColourFrames(count: number, intervalMs: number): Promise<ColourFrame[]> {
    let capture: V4l2Capture;
    try {
      capture = await this.#stream('colour', count, intervalMs);
    } catch (e) {
      throw cameraError(e);
    }
    const frames = wallClock(capture, this.#now());
    const { width, height } = this.#config.colour;
    try {
      return await Promise.all(frames.map(async (f) => ({ jpeg: await v4l2YuyvToJpeg(f.data, { width, height, quality: JPEG_QUALITY }), capturedAt: f.capturedAt })));
    } catch (e) {
      throw cameraError(e);
    }
  }

  async selftest(): Promise<DeviceStatus> {
    const c = this.#config;
    const nodes: string[] = [];
    for (const [which, device, format, size] of [['depth', c.depthDevice, 'Z16 ', c.depth], ['colour', c.colourDevice, 'YUYV', c.colour]] as const) {
      try {
        const info = await v4l2ProbeDevice(device);
        if (!info.formats.includes(format)) {
          return { device: 'camera', ok: false, detail: `${device} (${info.card}, ${info.driver}) offers ${info.formats.map((f) => f.trim()).join(', ') || 'no format'}, not ${format.trim()}`, remedy: `point camera.${which}Device at the camera's ${which} node (v4l2-ctl --list-devices)` };
        }
        nodes.push(`${info.card} (${info.driver}) at ${device} (${format.trim()} ${size.width}x${size.height})`);
      } catch (e) {
        const err = cameraError(e);
        return { device: 'camera', ok: false, detail: `${which} node ${device}: ${(e as Error).message}`, remedy: DEVICE_CODES[(e as V4l2Error).code]?.remedy ?? err.message };
      }
    }
    return { device: 'camera', ok: true, detail: `V4L2 RGB-D camera: ${nodes.join('; ')}` };
  }
}

/** One depth frame (Z16) and one colour frame (YUYV) as the appliance's selfie and aligned depth. */
export async function rgbdFromFrames(z16: Buffer, yuyv: Buffer, c: KioskConfig['camera'], capturedAt: number): Promise<RgbdFrame> {
  let depthMm: Uint16Array;
  let colourJpeg: Buffer;
  try {
    depthMm = z16ToMillimetres(z16, c.depth.width, c.depth.height, c.depthUnitMm);
    colourJpeg = await v4l2YuyvToJpeg(yuyv, { width: c.colour.width, height: c.colour.height, quality: JPEG_QUALITY });
  } catch (e) {
    throw e instanceof RangeError ? new KioskDeviceError('camera', 'corrupt', e.message, { cause: e }) : cameraError(e);
  }
  const aligned = registerDepthToColour(depthMm, c.depth, c.depthIntrinsics, c.colour, c.colourIntrinsics, c.depthToColour);
  if (aligned.every((z) => z === 0)) throw new KioskDeviceError('camera', 'corrupt', 'the depth frame holds no depth inside the colour camera\'s view; check the camera\'s calibration in kiosk.json');
  return {
    colourJpeg, depthPng: encodeGrey16Png(aligned, c.colour.width, c.colour.height), width: c.colour.width, height: c.colour.height,
    intrinsics: c.colourIntrinsics, depthUnitMm: 1, capturedAt,
  };
}
