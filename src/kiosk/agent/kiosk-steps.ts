// The agent's capture steps, one per device, each turning a device's output into the captures the
// envelope carries (kinds, media types and meta as the appliance's capture API reads them:
// docs/verification.md, docs/liveness.md).
import type { RgbdCamera } from '../devices/camera/rgbd-camera.js';
import type { DocumentScanner, ScanLight } from '../devices/scanner/document-scanner.js';
import type { ChipAccessKey, ChipReaderPort } from '../devices/chip-port.js';
import type { HeldCapture } from '../session/held-captures.js';
import { chipCapture } from '../envelope/chip-capture.js';

const DOCUMENT_KIND: Readonly<Record<ScanLight, HeldCapture['kind']>> = { white: 'document-front', ir: 'document-ir', uv: 'document-uv' };

/** The document under every light the scanner offers, white first. */
export async function scanDocument(scanner: DocumentScanner, signal: AbortSignal): Promise<{ captures: HeldCapture[]; lights: ScanLight[] }> {
  const offered = await scanner.lights(signal);
  const lights = (['white', 'ir', 'uv'] as const).filter((l) => l === 'white' || offered.includes(l));
  const captures: HeldCapture[] = [];
  for (const light of lights) {
    const page = await scanner.scan(light, signal);
    captures.push({ kind: DOCUMENT_KIND[light], mediaType: page.mediaType, bytes: page.bytes, meta: null });
  }
  return { captures, lights };
}

export async function readChip(chip: ChipReaderPort, key: ChipAccessKey, signal: AbortSignal) {
  const read = await chip.read(key, signal);
  return { capture: chipCapture(read), protocol: read.protocol, readMs: read.readMs };
}

/** The selfie with its aligned depth, then the challenge frames, all stamped with the session's nonce. */
export async function captureSelfie(camera: RgbdCamera, nonce: string, frames: { count: number; intervalMs: number }, signal: AbortSignal): Promise<HeldCapture[]> {
  const rgbd = await camera.captureRgbd(signal);
  const sequence = frames.count > 0 ? await camera.captureColourFrames(frames.count, frames.intervalMs, signal) : [];
  return [
    { kind: 'selfie', mediaType: 'image/jpeg', bytes: rgbd.colourJpeg, meta: { capturedAt: rgbd.capturedAt } },
    { kind: 'depth', mediaType: 'image/png', bytes: rgbd.depthPng, meta: { intrinsics: rgbd.intrinsics, depthUnitMm: rgbd.depthUnitMm, capturedAt: rgbd.capturedAt, nonce } },
    ...sequence.map((f): HeldCapture => ({ kind: 'challenge-frame', mediaType: 'image/jpeg', bytes: f.jpeg, meta: { capturedAt: f.capturedAt, nonce } })),
  ];
}
