// A simulated RGB-D camera for the kiosk agent's tests: the synthetic RGB-D generator (eval/synth, through
// liveness-evidence.ts) draws the depth of a face at 0.5-0.6 m with its intrinsics; the colour frame is a
// real photo of the same size (the scripted face analyzer answers the generator's landmarks for it, as in
// the appliance's own liveness tests), and the challenge frames are textured pictures that move as the
// subject acting out `perform(steps)` would. It stands behind the agent's RgbdCamera port only; the
// agent's CLI never builds it. `unplug()` makes the next capture fail as a pulled USB cable does.
import type { DeviceStatus } from '../../../src/kiosk/devices/device.js';
import type { ColourFrame, RgbdCamera, RgbdFrame } from '../../../src/kiosk/devices/camera/rgbd-camera.js';
import { KioskDeviceError } from '../../../src/kiosk/devices/device-error.js';
import type { ChallengeKind } from '../../../src/liveness/index.js';
import { challengeFrames, depthEvidence, type DepthEvidence } from '../liveness-evidence.js';
import { faceJpeg } from '../face-photos.js';

export class SimulatedRgbdCamera implements RgbdCamera {
  readonly name = 'camera' as const;
  readonly evidence: DepthEvidence;
  readonly colour = faceJpeg('personA', { width: 640, height: 480, zoom: 1.4 });
  #steps: readonly (ChallengeKind | 'still')[] = ['still'];
  #unplugged = false;
  #corrupt = false;
  captures = 0;
  /** Called while a capture is in progress (a test resets the session meanwhile). */
  duringCapture: (() => Promise<void>) | null = null;

  constructor(readonly now: () => number = Date.now) {
    this.evidence = depthEvidence('bona-fide', 1);
  }

  /** The challenge the subject in front of the camera acts out in the next capture. */
  perform(steps: readonly ChallengeKind[]): void {
    this.#steps = steps;
  }

  unplug(): void {
    this.#unplugged = true;
  }

  /** The next frames arrive damaged (a depth buffer shorter than its format says). */
  corruptFrames(): void {
    this.#corrupt = true;
  }

  async selftest(): Promise<DeviceStatus> {
    return this.#unplugged
      ? { device: 'camera', ok: false, detail: 'simulated RGB-D camera (unplugged)', remedy: 'plug the camera back in' }
      : { device: 'camera', ok: true, detail: 'simulated RGB-D camera (synthetic RGB-D generator, 640x480), not a real device' };
  }

  #check(): void {
    if (this.#unplugged) throw new KioskDeviceError('camera', 'removed', 'the camera was unplugged during the capture (simulated)');
    if (this.#corrupt) throw new KioskDeviceError('camera', 'corrupt', 'the depth frame holds 1000 bytes, 614400 expected for Z16 640x480 (simulated)');
  }

  async captureRgbd(): Promise<RgbdFrame> {
    this.#check();
    this.captures++;
    if (this.duringCapture) await this.duringCapture();
    const capturedAt = this.now() - 100;
    return {
      colourJpeg: Buffer.from(this.colour), depthPng: Buffer.from(this.evidence.depthPng), width: 640, height: 480,
      intrinsics: this.evidence.intrinsics, depthUnitMm: this.evidence.depthUnitMm, capturedAt,
    };
  }

  async captureColourFrames(count: number, intervalMs: number): Promise<ColourFrame[]> {
    this.#check();
    const pictures = challengeFrames(this.#steps);
    // Stamped as a camera's clock does: the interval with a little jitter, never exact.
    const start = this.now() - 1500;
    return Array.from({ length: count }, (_, i) => ({ jpeg: Buffer.from(pictures[i % pictures.length]), capturedAt: start + i * intervalMs + [0, 3, -2, 4, -1, 2][i % 6] }));
  }
}
