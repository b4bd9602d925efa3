// The subjects of the 2D synthetic suite: real faces cut from the group photos in @vladmandic/face-api's
// demo folder (an npm package, so a fresh clone has them), each a square portrait around one face with
// room for hair, ears and neck, and that face's 468 landmarks as the face engine finds them. The
// centres are the face engine's detections on the demo photos; the half-side is 1.5x the detection box
// width, or 300 px where a neighbour's face would otherwise enter the crop. Kept: faces within about 17 degrees of frontal whose crop holds only that face.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { decodeRgbImage, encodeJpeg, type RgbImage } from '../lib/rgb-image.js';
import { renderFrontalPortrait } from './frontal-portrait.js';
import { resampleRgb } from './image-ops.js';

const require = createRequire(import.meta.url);

export interface PortraitSubject {
  id: string;
  file: string;
  /** Face centre and half the portrait's side, demo-photo pixels. */
  cx: number;
  cy: number;
  half: number;
}

export const PORTRAIT_SUBJECTS: readonly PortraitSubject[] = [
  { id: 's01', file: 'sample5.jpg', cx: 1202, cy: 351, half: 264 },
  { id: 's02', file: 'sample5.jpg', cx: 460, cy: 1042, half: 312 },
  { id: 's03', file: 'sample3.jpg', cx: 692, cy: 485, half: 304 },
  { id: 's04', file: 'sample5.jpg', cx: 860, cy: 244, half: 245 },
  { id: 's05', file: 'sample1.jpg', cx: 1572, cy: 338, half: 221 },
  { id: 's06', file: 'sample3.jpg', cx: 1190, cy: 382, half: 300 },
  { id: 's07', file: 'sample3.jpg', cx: 1577, cy: 458, half: 314 },
  { id: 's08', file: 'sample6.jpg', cx: 345, cy: 647, half: 300 },
  { id: 's09', file: 'sample6.jpg', cx: 776, cy: 494, half: 300 },
  { id: 's10', file: 'sample6.jpg', cx: 1268, cy: 466, half: 300 },
];

/** What the generator needs from the face engine: FaceAnalyzer and analyzeFace() results both fit. */
export interface LandmarkFinder {
  analyzeFace(image: Buffer): Promise<{ faceCount: number; face: { landmarks468: ArrayLike<number> } | null }>;
}

export interface Portrait {
  subject: PortraitSubject;
  /** The portrait (texture of every rendering of this subject). */
  texture: RgbImage;
  /** 468 x (x, y), portrait pixels. */
  landmarks: Float64Array;
}

const demoDir = () => path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const decoded = new Map<string, RgbImage>();

export function portraitImage(subject: PortraitSubject): RgbImage {
  let photo = decoded.get(subject.file);
  if (!photo) {
    photo = decodeRgbImage(readFileSync(path.join(demoDir(), subject.file)));
    decoded.set(subject.file, photo);
  }
  const side = 2 * subject.half;
  return resampleRgb(photo, subject.cx - subject.half, subject.cy - subject.half, side, side, side, side);
}

/**
 * Cuts the portrait, finds its landmarks, and turns it to face the camera (frontal-portrait.ts; the
 * landmarks are found again on the frontal picture). `frontal: false` keeps the photo as it is.
 * Throws when the engine does not find exactly one face.
 */
export async function loadPortrait(engine: LandmarkFinder, subject: PortraitSubject, options: { frontal?: boolean } = {}): Promise<Portrait> {
  const texture = portraitImage(subject);
  const photo: Portrait = { subject, texture, landmarks: await findLandmarks(engine, subject, texture) };
  if (options.frontal === false) return photo;
  const image = renderFrontalPortrait(photo);
  return { subject, texture: image, landmarks: await findLandmarks(engine, subject, image) };
}

async function findLandmarks(engine: LandmarkFinder, subject: PortraitSubject, texture: RgbImage): Promise<Float64Array> {
  const analysis = await engine.analyzeFace(encodeJpeg(texture, 95));
  if (analysis.faceCount !== 1 || !analysis.face) {
    throw new Error(`portrait ${subject.id} (${subject.file} at ${subject.cx},${subject.cy}): the face engine found ${analysis.faceCount} faces, expected 1`);
  }
  const landmarks = new Float64Array(468 * 2);
  const raw = analysis.face.landmarks468;
  const stride = raw.length / 468;
  for (let i = 0; i < 468; i++) {
    landmarks[i * 2] = raw[i * stride];
    landmarks[i * 2 + 1] = raw[i * stride + 1];
  }
  return landmarks;
}
