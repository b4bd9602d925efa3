// The native texture tracker (livenessTrackTexture through trackTexture): smooth random texture made
// here, moved by a known translation and by a known homography, encoded as PNG and JPEG; the tracked
// points must land where the motion puts them, lost points must be reported lost, and every bound on the
// input must refuse before the addon is called.
import t from 'tap';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { buildConfig } from '../../src/config/index.js';
import { trackTexture, MAX_TRACK_SEEDS } from '../../src/liveness/native-texture-tracking.js';
import { SeededRandom } from '../../src/liveness/index.js';
import { ProofgateError } from '../../src/core/errors.js';

// The measure sizes the window to the face (trackingWindowPx); 21 px is what a face ~100 px between the eye
// corners gets, about this texture's scale. The tracker itself takes the window it is given.
const settings = { ...buildConfig({}).liveness.motion.tracking, windowPx: 21 };
const W = 320, H = 240;

/** Smooth random texture: a sum of random sinusoids (band-limited, so it can be sampled at any sub-pixel point). */
function textureField(seed: number): (x: number, y: number) => number {
  const rng = new SeededRandom(seed);
  const waves = Array.from({ length: 24 }, () => ({ fx: (rng.next() - 0.5) * 0.5, fy: (rng.next() - 0.5) * 0.5, ph: rng.next() * 6.283, a: 10 + rng.next() * 10 }));
  return (x, y) => 128 + waves.reduce((s, w) => s + w.a * Math.sin(w.fx * x + w.fy * y + w.ph), 0) / 3;
}

/** Renders frame pixels: value at (x, y) is the texture at inverse(x, y). */
function render(field: (x: number, y: number) => number, inverse: (x: number, y: number) => [number, number]): Uint8Array {
  const grey = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const [u, v] = inverse(x, y);
    grey[y * W + x] = Math.max(0, Math.min(255, Math.round(field(u, v))));
  }
  return grey;
}

function png(grey: Uint8Array): Buffer {
  const p = new PNG({ width: W, height: H });
  for (let i = 0; i < W * H; i++) { p.data[i * 4] = p.data[i * 4 + 1] = p.data[i * 4 + 2] = grey[i]; p.data[i * 4 + 3] = 255; }
  return PNG.sync.write(p);
}

function jpg(grey: Uint8Array): Buffer {
  const data = Buffer.alloc(W * H * 4);
  for (let i = 0; i < W * H; i++) { data[i * 4] = data[i * 4 + 1] = data[i * 4 + 2] = grey[i]; data[i * 4 + 3] = 255; }
  return jpeg.encode({ data, width: W, height: H }, 92).data;
}

const field = textureField(7);
const seeds: { x: number; y: number }[] = [];
for (let y = 80; y <= 160; y += 20) for (let x = 100; x <= 220; x += 20) seeds.push({ x, y });

t.test('a translated texture is tracked to the translation, chained frame to frame', async (t) => {
  const shifts = [[0, 0], [2.5, -1.25], [5, -2.5], [7.5, -3.75], [10, -5]];
  const frames = shifts.map(([dx, dy]) => png(render(field, (x, y) => [x - dx, y - dy])));
  const r = await trackTexture(frames, 0, seeds, settings);
  t.equal(r.frames, 5);
  t.equal(r.points, seeds.length);
  t.equal(r.width, W);
  let worst = 0, lost = 0;
  shifts.forEach(([dx, dy], f) => seeds.forEach((s, p) => {
    const at = f * seeds.length + p;
    if (r.tracked[at] !== 1) { lost++; return; }
    worst = Math.max(worst, Math.hypot(r.xy[at * 2] - (s.x + dx), r.xy[at * 2 + 1] - (s.y + dy)));
  }));
  t.equal(lost, 0, 'no point lost on a clean translation');
  t.ok(worst < 0.2, `worst error ${worst.toFixed(3)} px < 0.2 px`);
  t.ok(Number.isNaN(r.forwardBackwardPx[0]), 'the reference frame has no forward-backward miss');
  t.ok(r.forwardBackwardPx[seeds.length] < settings.maxForwardBackwardPx, 'a tracked step reports its forward-backward miss');
});

t.test('a homography-warped texture (JPEG), tracked outward from a middle reference frame', async (t) => {
  // Frame k: a perspective swing about the centre (a picture turned), k = -2..2; reference k = 0 is index 2.
  const hom = (k: number) => {
    const g = 0.0004 * k, s = 1 + 0.02 * k;
    return (x: number, y: number): [number, number] => {
      const X = x - W / 2, Y = y - H / 2;
      const w = 1 + g * X;
      return [W / 2 + (X * s) / w, H / 2 + (Y * s) / w];
    };
  };
  const inverseOf = (k: number) => {
    const g = 0.0004 * k, s = 1 + 0.02 * k;
    return (x: number, y: number): [number, number] => {
      const X = x - W / 2, Y = y - H / 2;
      const u = X / (s - g * X);
      return [W / 2 + u, H / 2 + (Y * (1 + g * u)) / s];
    };
  };
  const ks = [-2, -1, 0, 1, 2];
  const frames = ks.map((k) => jpg(render(field, inverseOf(k))));
  const r = await trackTexture(frames, 2, seeds, settings);
  let worst = 0, tracked = 0;
  const errors: number[] = [];
  ks.forEach((k, f) => seeds.forEach((s, p) => {
    const at = f * seeds.length + p;
    if (r.tracked[at] !== 1) return;
    tracked++;
    const [ex, ey] = hom(k)(s.x, s.y);
    errors.push(Math.hypot(r.xy[at * 2] - ex, r.xy[at * 2 + 1] - ey));
    worst = Math.max(worst, errors[errors.length - 1]);
  }));
  t.ok(tracked >= 0.9 * ks.length * seeds.length, `${tracked} of ${ks.length * seeds.length} tracked`);
  const median = [...errors].sort((a, b) => a - b)[errors.length >> 1];
  // Two chained steps of a 2% scale and perspective change each, through JPEG: sub-pixel, the tail ~1 px.
  t.ok(median < 0.3, `median error ${median.toFixed(3)} px < 0.3 px`);
  t.ok(worst < 1.5, `worst error ${worst.toFixed(3)} px < 1.5 px`);
});

t.test('texture that changes completely is lost, not followed', async (t) => {
  const other = textureField(99);
  const frames = [png(render(field, (x, y) => [x, y])), png(render(other, (x, y) => [x, y]))];
  const r = await trackTexture(frames, 0, seeds, settings);
  const kept = seeds.filter((_, p) => r.tracked[seeds.length + p] === 1).length;
  t.ok(kept < seeds.length * 0.2, `${kept} of ${seeds.length} points kept across unrelated frames`);
  t.ok(seeds.every((_, p) => r.tracked[p] === 1), 'the seeds are the reference frame');
  const lost = seeds.findIndex((_, p) => r.tracked[seeds.length + p] !== 1);
  t.ok(Number.isNaN(r.xy[(seeds.length + lost) * 2]), 'a lost point has no position');
});

t.test('a point the chain loses at one unrelated frame is found again from the reference, only when asked', async (t) => {
  // Frames 0, 2, 3: the texture shifted; frame 1 shows other texture (a glitch the chain cannot cross).
  const other = textureField(99);
  const frames = [
    png(render(field, (x, y) => [x, y])), png(render(other, (x, y) => [x, y])),
    png(render(field, (x, y) => [x - 3, y - 1])), png(render(field, (x, y) => [x - 4, y - 2])),
  ];
  const keptIn = (r: { tracked: Uint8Array }, f: number) => seeds.filter((_, p) => r.tracked[f * seeds.length + p] === 1).length;
  const chainOnly = await trackTexture(frames, 0, seeds, { ...settings, reacquire: 'none' });
  t.ok(keptIn(chainOnly, 3) < seeds.length * 0.2, `chain only: ${keptIn(chainOnly, 3)} of ${seeds.length} after the glitch`);
  const r = await trackTexture(frames, 0, seeds, { ...settings, reacquire: 'from-reference' });
  t.ok(keptIn(r, 1) < seeds.length * 0.2, `the unrelated frame keeps ${keptIn(r, 1)} points`);
  t.equal(keptIn(r, 2), seeds.length, 'every point found again in the next frame');
  let worst = 0;
  seeds.forEach((s, p) => {
    const at = 3 * seeds.length + p;
    worst = Math.max(worst, Math.hypot(r.xy[at * 2] - (s.x + 4), r.xy[at * 2 + 1] - (s.y + 2)));
  });
  t.ok(worst < 0.2, `and tracked on from there: worst error ${worst.toFixed(3)} px`);
});

t.test('a point lost at one unrelated frame whose texture has since changed from the reference is found again from its last frame', async (t) => {
  // The whole picture slides while its texture turns into another one (mixed 0%, 20%, 40%, then an
  // unrelated frame the chain cannot cross, then 40% again): the reference no longer looks like the last frame
  // (a head turned past ~30° no longer shows the frontal frame's nose), the frame before the glitch does.
  const other = textureField(42), glitch = textureField(99);
  const mixed = (share: number, dx: number, dy: number) => png(render((u, v) => (1 - share) * field(u, v) + share * other(u, v), (x, y) => [x - dx, y - dy]));
  const frames = [mixed(0, 0, 0), mixed(0.2, 1.5, -0.75), mixed(0.4, 3, -1.5), png(render(glitch, (x, y) => [x, y])), mixed(0.4, 4.5, -2.25)];
  const keptIn = (r: { tracked: Uint8Array }, f: number) => seeds.filter((_, p) => r.tracked[f * seeds.length + p] === 1).length;
  const fromReference = await trackTexture(frames, 0, seeds, { ...settings, reacquire: 'from-reference' });
  t.ok(keptIn(fromReference, 2) >= 0.8 * seeds.length, `${keptIn(fromReference, 2)} of ${seeds.length} tracked while the texture changes`);
  t.ok(keptIn(fromReference, 4) < seeds.length * 0.5, `from the reference only: ${keptIn(fromReference, 4)} of ${seeds.length} found after the glitch`);
  const r = await trackTexture(frames, 0, seeds, { ...settings, reacquire: 'from-reference-and-last-good' });
  t.ok(keptIn(r, 3) < seeds.length * 0.2, `the unrelated frame keeps ${keptIn(r, 3)} points`);
  t.ok(keptIn(r, 4) >= 0.9 * keptIn(r, 2), `from the last good frame: ${keptIn(r, 4)} found after the glitch, of ${keptIn(r, 2)} tracked before it`);
  // Judged on the points only the last good frame found (not kept across the glitch, not found from the
  // reference): each is where its position in the frame before the glitch, moved by the slide since, puts
  // it. (Against the texture's own slide the chain drifts by a few px here, the texture changing under it.)
  let worst = 0, found = 0;
  seeds.forEach((_, p) => {
    const at = 4 * seeds.length + p, before = 2 * seeds.length + p;
    if (r.tracked[at] !== 1 || r.tracked[3 * seeds.length + p] === 1 || fromReference.tracked[at] === 1) return;
    found++;
    worst = Math.max(worst, Math.hypot(r.xy[at * 2] - (r.xy[before * 2] + 1.5), r.xy[at * 2 + 1] - (r.xy[before * 2 + 1] - 0.75)));
  });
  t.ok(found >= seeds.length * 0.3, `${found} found from the last good frame alone`);
  t.ok(worst < 0.5, `where the frame before the glitch and the slide put them: worst error ${worst.toFixed(3)} px`);
});

t.test('every input is bounded before the addon is called; bad bytes get a client error', async (t) => {
  const frame = png(render(field, (x, y) => [x, y]));
  const refusal = async (p: Promise<unknown>, pattern: RegExp, status = 400) => {
    const e = await p.then(() => null, (err: unknown) => err);
    t.ok(e instanceof ProofgateError, 'a ProofgateError');
    t.equal((e as ProofgateError).status, status);
    t.match((e as Error).message, pattern);
  };
  await refusal(trackTexture([frame], 0, seeds, settings), /1 frames/);
  await refusal(trackTexture(Array(settings.maxFrames + 1).fill(frame), 0, seeds, settings), /frames, expected/);
  await refusal(trackTexture([frame, Buffer.alloc(0)], 0, seeds, settings), /frame 1/);
  await refusal(trackTexture([frame, frame], 2, seeds, settings), /reference frame 2/);
  await refusal(trackTexture([frame, frame], 0, [], settings), /0 seed points/);
  await refusal(trackTexture([frame, frame], 0, Array(MAX_TRACK_SEEDS + 1).fill({ x: 1, y: 1 }), settings), /seed points/);
  await refusal(trackTexture([frame, frame], 0, [{ x: Number.NaN, y: 1 }], settings), /seed 0/);
  await refusal(trackTexture([frame, Buffer.from('not an image at all')], 0, seeds, settings), /texture tracking/, 415);
  const small = new PNG({ width: 64, height: 64 });
  await refusal(trackTexture([frame, PNG.sync.write(small)], 0, seeds, settings), /frame 1 is 64x64/);
  await refusal(trackTexture([frame, frame], 0, seeds, { ...settings, maxPixels: 100 * 100 }), /over the limit/, 413);
});
