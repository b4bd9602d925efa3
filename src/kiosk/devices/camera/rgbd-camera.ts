// What the agent asks of an RGB-D camera: one colour frame with depth aligned to it pixel for pixel (the
// shape docs/liveness.md describes), then a short sequence of colour frames for the session's active
// challenge. The V4L2 adapter (v4l2-rgbd-camera.ts) is the station's; tests inject a simulated camera.
import type { KioskDevice } from '../device.js';
import type { Intrinsics } from '../../config/kiosk-config.js';

export interface RgbdFrame {
  /** Colour frame, JPEG. */
  colourJpeg: Buffer;
  /** Depth aligned to the colour frame (same width and height), 16-bit greyscale PNG, 0 = no data. */
  depthPng: Buffer;
  width: number;
  height: number;
  /** Of the aligned depth frame (= the colour camera's). */
  intrinsics: Intrinsics;
  depthUnitMm: number;
  /** When the frame was taken, ms since the epoch, station clock. */
  capturedAt: number;
}

export interface ColourFrame {
  jpeg: Buffer;
  capturedAt: number;
}

export interface RgbdCamera extends KioskDevice {
  readonly name: 'camera';
  captureRgbd(signal?: AbortSignal): Promise<RgbdFrame>;
  /** `count` colour frames, one every `intervalMs`. */
  captureColourFrames(count: number, intervalMs: number, signal?: AbortSignal): Promise<ColourFrame[]>;
}
