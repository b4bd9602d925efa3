// Synthetic RGB-D captures, deterministic by seed: a bona fide face (canonical mesh with subject
// variation, head, neck, optional wall) or an attack instrument carrying a picture of a face, seen by a
// D4xx-like camera. Output: millimetre depth, intrinsics, the 468 landmarks a perfect face engine would
// report (ground-truth projection plus pixel jitter), an IR image, and the species label.
import { SeededRandom } from '../../src/liveness/random-source.js';
import { MESH_POINT_COUNT } from '../../src/liveness/facemesh-points.js';
import { D4XX_LIKE, simulateDepthSensor, simulateIrImage, type StereoCameraModel, type SurfaceMaterial } from './sensor-model.js';
import { ellipsoidMesh, gridMesh, SceneRaster, transformPoints, type PinholeIntrinsics, type RigidPose } from './scene-raster.js';
import { loadCanonicalMesh } from './canonical-mesh.js';
import { faceToCamera, randomSubjectShape, subjectVertices } from './subject-face.js';
import type { CaptureLabel } from './species.js';

export interface SyntheticCaptureOptions {
  seed: number | string;
  label: CaptureLabel;
  width?: number;
  height?: number;
  /** Face (or instrument) distance range, mm. */
  distanceMm?: readonly [number, number];
  /** Multiplies the camera's disparity noise (the "noise" axis of the BPCER grid). */
  noiseFactor?: number;
  /** Largest head yaw (degrees) for bona fide and masks; pitch gets 2/3 of it. */
  maxYawDeg?: number;
  /** Landmark jitter, pixels (1 sigma), standing in for face-engine error. */
  landmarkJitterPx?: number;
  /** Fixed head pose instead of a random one (challenge sequences). */
  headYawDeg?: number;
  headPitchDeg?: number;
  eyeClosure?: number;
  /** Reuse one subject across frames of a sequence. */
  subjectSeed?: number | string;
}

export interface SyntheticCapture {
  label: CaptureLabel;
  width: number;
  height: number;
  intrinsics: PinholeIntrinsics;
  /** Millimetres per depth unit. */
  depthUnitMm: number;
  depth: Uint16Array;
  ir: Uint8Array;
  /** 468 × (x, y, z) image pixels (z: relative depth in pixels, nearer is smaller), as the face engine gives. */
  landmarks: Float32Array;
  /** What was drawn, for reports. */
  params: Record<string, number | string>;
}

enum Material { Skin = 1, Hair, Background, Paper, Screen, Bezel, Mask }

function materialTable(rng: SeededRandom): SurfaceMaterial[] {
  const t: SurfaceMaterial[] = [];
  t[0] = { irReflectance: 0, holeFraction: 0 };
  t[Material.Skin] = { irReflectance: rng.uniform(0.42, 0.62), holeFraction: 0.002 };
  t[Material.Hair] = { irReflectance: rng.uniform(0.2, 0.5), holeFraction: 0.03 };
  t[Material.Background] = { irReflectance: rng.uniform(0.3, 0.8), holeFraction: 0.01 };
  t[Material.Paper] = { irReflectance: rng.uniform(0.7, 0.9), holeFraction: 0.003 };
  t[Material.Screen] = { irReflectance: rng.uniform(0.02, 0.08), holeFraction: rng.uniform(0.08, 0.35) };
  t[Material.Bezel] = { irReflectance: rng.uniform(0.03, 0.1), holeFraction: 0.05 };
  // Mask materials range from skin-like silicone to bright resin: IR alone is not a safe mask test.
  t[Material.Mask] = { irReflectance: rng.uniform(0.35, 0.95), holeFraction: 0.002 };
  return t;
}

const D415_LIKE_FOCAL = 385;

export function generateSyntheticCapture(options: SyntheticCaptureOptions): SyntheticCapture {
  const rng = new SeededRandom(`${options.label}:${options.seed}`);
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const intrinsics: PinholeIntrinsics = { fx: D415_LIKE_FOCAL * (width / 640), fy: D415_LIKE_FOCAL * (width / 640), cx: (width - 1) / 2 + rng.uniform(-3, 3), cy: (height - 1) / 2 + rng.uniform(-3, 3) };
  const [dMin, dMax] = options.distanceMm ?? [300, 1000];
  const distance = rng.uniform(dMin, dMax);
  const scene = new SceneRaster(width, height, intrinsics);
  const materials = materialTable(rng);
  const camera: StereoCameraModel = {
    ...D4XX_LIKE,
    disparityNoisePx: D4XX_LIKE.disparityNoisePx * (options.noiseFactor ?? 1),
    irGain: rng.uniform(0.8, 1.25),
  };
  // Keep the face in frame: off-axis by at most a fifth of the view at that distance.
  const lateral = (distance * width) / intrinsics.fx / 10;
  const offset: [number, number] = [rng.uniform(-lateral, lateral), rng.uniform(-lateral * 0.6, lateral * 0.6)];
  const params: Record<string, number | string> = { distanceMm: Math.round(distance) };
  const maxYaw = options.maxYawDeg ?? 30;

  let landmarkPoints: Float64Array;
  if (options.label === 'bona-fide' || options.label === 'mask-rigid-3d') {
    const subjectRng = new SeededRandom(`subject:${options.subjectSeed ?? options.seed}`);
    const shape = randomSubjectShape(subjectRng);
    const pose: RigidPose = {
      yawDeg: options.headYawDeg ?? rng.uniform(-maxYaw, maxYaw),
      pitchDeg: options.headPitchDeg ?? rng.uniform(-maxYaw * 0.66, maxYaw * 0.66),
      rollDeg: rng.uniform(-12, 12),
      translation: [offset[0], offset[1], distance],
    };
    const isMask = options.label === 'mask-rigid-3d';
    // A rigid mask is another face's shape, with the eyes fixed open.
    const faceVerts = subjectVertices(isMask ? randomSubjectShape(rng) : shape, isMask ? 0 : options.eyeClosure ?? 0);
    const face = faceToCamera(faceVerts, pose);
    scene.drawMesh(face, loadCanonicalMesh().triangles, isMask ? Material.Mask : Material.Skin);
    const s = shape.scale;
    const head = ellipsoidMesh([0, -10 * s, 60 * s], [80 * s * shape.widthFactor, 110 * s, 78 * s]);
    scene.drawMesh(transformPoints(head.points, pose), head.triangles, Material.Hair);
    const neck = gridMesh(0, 2 * Math.PI, 80 * s, 260 * s, Math.PI / 10, (a, y) => [52 * s * Math.cos(a), y, 55 * s + 52 * s * Math.sin(a)]);
    scene.drawMesh(transformPoints(neck.points, { ...pose, yawDeg: pose.yawDeg * 0.3, pitchDeg: 0, rollDeg: 0 }), neck.triangles, Material.Skin);
    landmarkPoints = face;
    Object.assign(params, { yawDeg: round1(pose.yawDeg), pitchDeg: round1(pose.pitchDeg), rollDeg: round1(pose.rollDeg), subjectScale: round2(shape.scale), noseFactor: round2(shape.noseFactor) });
  } else {
    landmarkPoints = drawInstrument(scene, options.label, rng, distance, offset, params);
  }
  if (rng.chance(0.5)) {
    const wall = distance + rng.uniform(400, 2500);
    const half = 4 * wall;
    const plane = gridMesh(-half, half, -half, half, half, (u, v) => [u, v, wall]);
    scene.drawMesh(plane.points, plane.triangles, Material.Background);
    params.wallMm = Math.round(wall);
  }

  const depth = simulateDepthSensor(scene, materials, camera, rng);
  const ir = simulateIrImage(scene, materials, camera, rng);
  const landmarks = projectLandmarks(scene, landmarkPoints, options.landmarkJitterPx ?? 1, rng);
  return { label: options.label, width, height, intrinsics, depthUnitMm: 1, depth, ir, landmarks, params };
}

function projectLandmarks(scene: SceneRaster, points: Float64Array, jitterPx: number, rng: SeededRandom): Float32Array {
  const out = new Float32Array(MESH_POINT_COUNT * 3);
  let zMean = 0;
  for (let i = 0; i < MESH_POINT_COUNT; i++) zMean += points[i * 3 + 2] / MESH_POINT_COUNT;
  for (let i = 0; i < MESH_POINT_COUNT; i++) {
    const [u, v] = scene.project(points[i * 3], points[i * 3 + 1], points[i * 3 + 2]);
    out[i * 3] = u + jitterPx * rng.normal();
    out[i * 3 + 1] = v + jitterPx * rng.normal();
    out[i * 3 + 2] = ((points[i * 3 + 2] - zMean) * scene.intrinsics.fx) / zMean;
  }
  return out;
}

interface InstrumentSpec {
  /** Sheet or screen size, mm (width, height). */
  size: [number, number];
  /** Printed/displayed face scale relative to life size. */
  faceScale: number;
  surfaceMaterial: Material;
  /** Bezel around the screen, mm (0 for prints). */
  bezelMm: number;
  tiltYawDeg: number;
  tiltPitchDeg: number;
  bendRadiusMm: number | null;
  eyeHoles: boolean;
}

function instrumentSpec(label: Exclude<CaptureLabel, 'bona-fide' | 'mask-rigid-3d'>, rng: SeededRandom): InstrumentSpec {
  const print = (): InstrumentSpec => ({
    size: rng.chance(0.5) ? [210, 297] : [150, 200], faceScale: rng.uniform(0.85, 1.15), surfaceMaterial: Material.Paper, bezelMm: 0,
    tiltYawDeg: rng.uniform(-8, 8), tiltPitchDeg: rng.uniform(-8, 8), bendRadiusMm: null, eyeHoles: false,
  });
  const screen = (size: [number, number], scale: [number, number], bezel: number): InstrumentSpec => ({
    size, faceScale: rng.uniform(scale[0], scale[1]), surfaceMaterial: Material.Screen, bezelMm: bezel,
    tiltYawDeg: rng.uniform(-15, 15), tiltPitchDeg: rng.uniform(-15, 15), bendRadiusMm: null, eyeHoles: false,
  });
  switch (label) {
    case 'print-flat': return print();
    case 'print-tilted': {
      const p = print();
      const big = rng.uniform(20, 45) * (rng.chance(0.5) ? 1 : -1);
      if (rng.chance(0.5)) p.tiltYawDeg = big; else p.tiltPitchDeg = big;
      return p;
    }
    case 'print-curved': return { ...print(), bendRadiusMm: rng.uniform(60, 150) };
    case 'print-eye-holes': return { ...print(), eyeHoles: true };
    case 'replay-phone': return screen([68, 148], [0.3, 0.45], 5);
    case 'replay-tablet': return screen([160, 240], [0.6, 1.0], 12);
    case 'replay-monitor': return screen([530, 300], [0.9, 1.4], 15);
  }
}

// The instrument is a sheet in its own frame (u right, v down, mm, face centred near the origin),
// bent around a vertical axis if asked (edges away from the camera), tilted, then placed.
function drawInstrument(
  scene: SceneRaster, label: Exclude<CaptureLabel, 'bona-fide' | 'mask-rigid-3d'>, rng: SeededRandom,
  distance: number, offset: [number, number], params: Record<string, number | string>,
): Float64Array {
  const spec = instrumentSpec(label, rng);
  // The pictured face: a posed subject, photographed (orthographically) and scaled onto the sheet.
  const pictured = faceToCamera(subjectVertices(randomSubjectShape(rng)), {
    yawDeg: rng.uniform(-10, 10), pitchDeg: rng.uniform(-8, 8), rollDeg: rng.uniform(-5, 5), translation: [0, 0, 0],
  });
  const faceShift: [number, number] = [rng.uniform(-15, 15), rng.uniform(-25, 5)];
  const toSheet = (i: number): [number, number] => [
    pictured[i * 3] * spec.faceScale + faceShift[0], pictured[i * 3 + 1] * spec.faceScale + faceShift[1],
  ];
  const bend = spec.bendRadiusMm;
  const surface = (u: number, v: number): [number, number, number] =>
    bend ? [bend * Math.sin(u / bend), v, bend * (1 - Math.cos(u / bend))] : [u, v, 0];
  const pose: RigidPose = {
    yawDeg: spec.tiltYawDeg, pitchDeg: spec.tiltPitchDeg, rollDeg: rng.uniform(-10, 10), translation: [offset[0], offset[1], distance],
  };
  const [w, h] = spec.size;
  const eyes = [33, 133, 362, 263].map(toSheet);
  const eyeCentres = [[(eyes[0][0] + eyes[1][0]) / 2, (eyes[0][1] + eyes[1][1]) / 2], [(eyes[2][0] + eyes[3][0]) / 2, (eyes[2][1] + eyes[3][1]) / 2]];
  const holeR = 11 * spec.faceScale;
  const notHole = (u: number, v: number) => !spec.eyeHoles || eyeCentres.every(([x, y]) => (u - x) ** 2 + (v - y) ** 2 > holeR * holeR);
  const sheet = gridMesh(-w / 2, w / 2, -h / 2, h / 2, 4, surface, notHole);
  scene.drawMesh(transformPoints(sheet.points, pose), sheet.triangles, spec.surfaceMaterial);
  if (spec.bezelMm > 0) {
    const b = spec.bezelMm;
    const body = gridMesh(-w / 2 - b, w / 2 + b, -h / 2 - b, h / 2 + b, 8, (u, v) => [u, v, 1.5]);
    scene.drawMesh(transformPoints(body.points, pose), body.triangles, Material.Bezel);
  }
  // Behind the instrument: the attacker's own face seen through eye holes, or their head/torso.
  if (spec.eyeHoles || rng.chance(0.5)) {
    const behind = spec.eyeHoles ? rng.uniform(8, 30) : rng.uniform(60, 300);
    const back = gridMesh(-w, w, -h, h, 20, (u, v) => [u, v, behind]);
    scene.drawMesh(transformPoints(back.points, pose), back.triangles, Material.Skin);
    params.behindMm = Math.round(behind);
  }
  const onSheet = new Float64Array(MESH_POINT_COUNT * 3);
  for (let i = 0; i < MESH_POINT_COUNT; i++) onSheet.set(surface(...toSheet(i)), i * 3);
  Object.assign(params, {
    faceScale: round2(spec.faceScale), tiltYawDeg: round1(spec.tiltYawDeg), tiltPitchDeg: round1(spec.tiltPitchDeg),
    bendRadiusMm: bend ? Math.round(bend) : 'none', sheet: `${w}x${h}`,
  });
  return transformPoints(onSheet, pose);
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
