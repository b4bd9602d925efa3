// The homography fit, the pitch estimate and the motion-consistency measure on the canonical face mesh
// projected by a pinhole camera: a rotating head against flat and bent prints of the same face.
import t from 'tap';
import { loadCanonicalMesh } from '../../eval/synth/canonical-mesh.js';
import { applyHomography, fitHomography } from '../../src/liveness/homography.js';
import { estimatePitchDeg } from '../../src/liveness/landmark-motion.js';
import { measureMotionConsistency } from '../../src/liveness/motion-consistency.js';
import { SeededRandom } from '../../src/liveness/index.js';
import { buildConfig } from '../../src/config/index.js';

const mesh = loadCanonicalMesh();
const motion = buildConfig({}).liveness.motion;
type P3 = [number, number, number];
const vertex = (i: number): P3 => [mesh.vertices[i * 3], mesh.vertices[i * 3 + 1], mesh.vertices[i * 3 + 2] - 40];

function rotate([x, y, z]: P3, yawDeg: number, pitchDeg: number): P3 {
  const a = (yawDeg * Math.PI) / 180, b = (pitchDeg * Math.PI) / 180;
  [x, z] = [x * Math.cos(a) + z * Math.sin(a), -x * Math.sin(a) + z * Math.cos(a)];
  [y, z] = [y * Math.cos(b) + z * Math.sin(b), -y * Math.sin(b) + z * Math.cos(b)];
  return [x, y, z];
}

/** Pinhole camera 450 mm in front of the face (mesh y up, z toward the camera), f = 600 px, 640×480, with jitter. */
function project(points: P3[], rng: SeededRandom, jitterPx: number) {
  const out = new Float32Array(points.length * 2);
  const gauss = () => Math.sqrt(-2 * Math.log(rng.next() + 1e-12)) * Math.cos(2 * Math.PI * rng.next());
  points.forEach(([x, y, z], i) => {
    out[i * 2] = 320 + (600 * x) / (450 - z) + jitterPx * gauss();
    out[i * 2 + 1] = 240 - (600 * y) / (450 - z) + jitterPx * gauss();
  });
  return { points: out, stride: 2 as const };
}

type Surface = (p: P3) => P3;
const head: Surface = (p) => p;
const flat: Surface = ([x, y]) => [x, y, 0];
const bentAround = (r: number): Surface => ([x, y]) => [r * Math.sin(x / r), y, r * Math.cos(x / r) - r];

function sweep(surface: Surface, axis: 'yaw' | 'pitch', amplitudeDeg: number, seed: string, jitterPx = 1) {
  const rng = new SeededRandom(seed);
  return Array.from({ length: 17 }, (_, k) => {
    const angle = amplitudeDeg * Math.sin((k / 16) * Math.PI);
    return project(Array.from({ length: 468 }, (_, i) => rotate(surface(vertex(i)), axis === 'yaw' ? angle : 0, axis === 'pitch' ? angle : 0)), rng, jitterPx);
  });
}

t.test('fitHomography recovers a projective map and refuses degenerate input', async (t) => {
  const h = [1.1, 0.05, 12, -0.03, 0.95, -7, 2e-4, -1e-4, 1];
  const map = (x: number, y: number) => {
    const w = h[6] * x + h[7] * y + 1;
    return { x: (h[0] * x + h[1] * y + h[2]) / w, y: (h[3] * x + h[4] * y + h[5]) / w };
  };
  const from = [[10, 10], [300, 20], [280, 260], [30, 240], [150, 130], [90, 200]].map(([x, y]) => ({ x, y }));
  const fitted = fitHomography(from, from.map((p) => map(p.x, p.y)))!;
  t.ok(fitted, 'fitted');
  for (const p of [{ x: 200, y: 50 }, { x: 60, y: 180 }]) {
    const a = applyHomography(fitted, p)!, b = map(p.x, p.y);
    t.ok(Math.hypot(a.x - b.x, a.y - b.y) < 1e-6, `maps (${p.x}, ${p.y}) exactly`);
  }
  t.equal(fitHomography(from.slice(0, 3), from.slice(0, 3)), null, 'fewer than 4 points');
  const line = [0, 1, 2, 3, 4].map((i) => ({ x: i, y: 2 * i }));
  t.equal(fitHomography(line, line), null, 'collinear points');
});

t.test('estimatePitchDeg follows a nod of the canonical head', async (t) => {
  const rng = new SeededRandom('pitch');
  for (const pitch of [-20, -10, 0, 10, 20, 30]) {
    const view = project(Array.from({ length: 468 }, (_, i) => rotate(vertex(i), 0, pitch)), rng, 0);
    const estimate = estimatePitchDeg(view);
    t.ok(Math.abs(estimate - pitch) < 4, `pitch ${pitch} deg read as ${estimate.toFixed(1)} deg`);
  }
});

t.test('a turning or nodding head shows parallax; flat and bent prints swung the same way do not', async (t) => {
  for (const axis of ['yaw', 'pitch'] as const) {
    const live = measureMotionConsistency(sweep(head, axis, 25, `live-${axis}`), motion);
    t.equal(live.outcome, 'pass', `head ${axis} 25 deg: parallax ${live.value}, motion ${live.motion}`);
    t.ok(live.value! > 1.5 * motion.minParallax);
    for (const [name, surface] of [['flat print', flat], ['print bent R=60 mm', bentAround(60)], ['print bent R=150 mm', bentAround(150)]] as const) {
      const r = measureMotionConsistency(sweep(surface, axis, 35, `${name}-${axis}`), motion);
      t.ok(r.value! < motion.minParallax, `${name}, ${axis} 35 deg: parallax ${r.value} below ${motion.minParallax} (motion ${r.motion} deg)`);
      t.equal(r.outcome, 'fail');
    }
  }
  const one = measureMotionConsistency(sweep(head, 'yaw', 25, 'single').slice(0, 1), motion);
  t.match(one, { outcome: 'not-computed', value: null, reason: 'a single frame shows no motion' });
});
