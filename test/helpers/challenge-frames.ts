// Challenge frames whose pixels move as the scripted landmarks say. The server tracks the frames'
// texture (src/liveness/texture-parallax.ts), so a test that scripts a head turn through the recorded
// analyzer must also send frames in which the texture moves like that head: each frame is a fixed
// random texture warped piecewise-affinely over the canonical mesh's triangles, from the sequence's first
// frame's landmarks to this frame's (outside the face the texture stays put, like a room behind a head).
import jpeg from 'jpeg-js';
import { loadCanonicalMesh } from '../../eval/synth/canonical-mesh.js';
import { SeededRandom } from '../../src/liveness/index.js';

const W = 640, H = 480; // the recorded analyzer's default image size
let reference: Float32Array | undefined;

/**
 * Random value noise at several scales (4-64 px cells, bilinear), made once: trackable everywhere and,
 * unlike a sum of sinusoids, not periodic, so a large jump between frames is not ambiguous.
 */
function referenceTexture(): Float32Array {
  if (reference) return reference;
  const rng = new SeededRandom(11);
  reference = new Float32Array(W * H).fill(128);
  for (const [cell, amplitude] of [[64, 50], [32, 40], [16, 30], [8, 22], [4, 14]] as const) {
    const gw = Math.ceil(W / cell) + 2, gh = Math.ceil(H / cell) + 2;
    const grid = Float32Array.from({ length: gw * gh }, () => (rng.next() - 0.5) * 2 * amplitude);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const gx = x / cell, gy = y / cell, x0 = Math.floor(gx), y0 = Math.floor(gy), fx = gx - x0, fy = gy - y0;
      const g = (i: number, j: number) => grid[j * gw + i];
      reference[y * W + x] += (g(x0, y0) * (1 - fx) + g(x0 + 1, y0) * fx) * (1 - fy) + (g(x0, y0 + 1) * (1 - fx) + g(x0 + 1, y0 + 1) * fx) * fy;
    }
  }
  return reference;
}

function sample(tex: Float32Array, x: number, y: number): number {
  const cx = Math.min(W - 1.001, Math.max(0, x)), cy = Math.min(H - 1.001, Math.max(0, y));
  const x0 = Math.floor(cx), y0 = Math.floor(cy), fx = cx - x0, fy = cy - y0, i = y0 * W + x0;
  return (tex[i] * (1 - fx) + tex[i + 1] * fx) * (1 - fy) + (tex[i + W] * (1 - fx) + tex[i + W + 1] * fx) * fy;
}

/** One frame: pixels inside the mesh at `to` take the texture from where the same triangle lies at `from`. */
function warpFrame(from: Float32Array, to: Float32Array, stride: number): Buffer {
  const tex = referenceTexture();
  const out = Float32Array.from(tex);
  const { triangles } = loadCanonicalMesh();
  const order = Array.from({ length: triangles.length / 3 }, (_, k) => k);
  if (stride === 3) {
    // Far triangles first, so the near ones (the nose) paint over what they hide.
    const depth = (k: number) => to[triangles[k * 3] * 3 + 2] + to[triangles[k * 3 + 1] * 3 + 2] + to[triangles[k * 3 + 2] * 3 + 2];
    order.sort((a, b) => depth(a) - depth(b));
  }
  for (const k of order) {
    const [a, b, c] = [triangles[k * 3], triangles[k * 3 + 1], triangles[k * 3 + 2]];
    const ax = to[a * stride], ay = to[a * stride + 1], bx = to[b * stride], by = to[b * stride + 1], cx = to[c * stride], cy = to[c * stride + 1];
    const det = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy);
    const fromDet = (from[b * stride + 1] - from[c * stride + 1]) * (from[a * stride] - from[c * stride]) + (from[c * stride] - from[b * stride]) * (from[a * stride + 1] - from[c * stride + 1]);
    // A triangle turned away from the camera (its winding flipped since the first frame) is hidden.
    if (Math.abs(det) < 1e-6 || Math.sign(det) !== Math.sign(fromDet)) continue;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx))), x1 = Math.min(W - 1, Math.ceil(Math.max(ax, bx, cx)));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy))), y1 = Math.min(H - 1, Math.ceil(Math.max(ay, by, cy)));
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      const l1 = ((by - cy) * (x - cx) + (cx - bx) * (y - cy)) / det;
      const l2 = ((cy - ay) * (x - cx) + (ax - cx) * (y - cy)) / det;
      const l3 = 1 - l1 - l2;
      if (l1 < 0 || l2 < 0 || l3 < 0) continue;
      const sx = l1 * from[a * stride] + l2 * from[b * stride] + l3 * from[c * stride];
      const sy = l1 * from[a * stride + 1] + l2 * from[b * stride + 1] + l3 * from[c * stride + 1];
      out[y * W + x] = sample(tex, sx, sy);
    }
  }
  const data = Buffer.alloc(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const v = Math.max(0, Math.min(255, Math.round(out[i])));
    data[i * 4] = data[i * 4 + 1] = data[i * 4 + 2] = v;
    data[i * 4 + 3] = 255;
  }
  return jpeg.encode({ data, width: W, height: H }, 90).data;
}

const made = new WeakMap<Float32Array, Buffer>();

/** JPEG frames (640x480) whose texture follows `landmarks` (468 x 3 per frame) from the first frame on. */
export function texturedChallengeFrames(landmarks: readonly Float32Array[], stride = 3): Buffer[] {
  return landmarks.map((l) => {
    let frame = made.get(l);
    if (!frame) {
      frame = warpFrame(landmarks[0], l, stride);
      made.set(l, frame);
    }
    return frame;
  });
}
