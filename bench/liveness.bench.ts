// npm run bench:liveness [-- --frames N --rounds N]
// Milliseconds per frame for the depth liveness checks on CPU, on fixed-seed synthetic 640x480 frames:
// the native checks alone on raw depth, the whole checkDepthLiveness() from an uploaded capture
// (header validation in TypeScript, PNG decode + checks in the native worker, decision), and as the
// peer measured in the same run, pngjs decoding the same 16-bit depth PNG on the event loop (the
// alternative this design avoids).
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { buildConfig } from '../src/config/index.js';
import { checkDepthLiveness, type RgbdCapture } from '../src/liveness/index.js';
import { runNativeDepthChecks } from '../src/liveness/native-depth-checks.js';
import { decodeGreyPng, encodeGrey16Png } from '../src/liveness/depth-png.js';
import { generateSyntheticCapture, type SyntheticCapture } from '../eval/synth/generate-capture.js';
import { median, percentile } from '../eval/lib/latency-stats.js';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '24' }, rounds: { type: 'string', default: '10' } }, strict: true });
const frameCount = Number(values.frames);
const rounds = Number(values.rounds);
const config = buildConfig({}).liveness;

const labels = ['bona-fide', 'bona-fide', 'print-flat', 'print-curved', 'replay-tablet', 'mask-rigid-3d'] as const;
const captures: SyntheticCapture[] = [];
for (let i = 0; i < frameCount; i++) captures.push(generateSyntheticCapture({ seed: `bench-${i}`, label: labels[i % labels.length] }));
const blankRgb = (() => {
  const png = new PNG({ width: 640, height: 480 });
  return PNG.sync.write(png);
})();
const uploads: RgbdCapture[] = captures.map((c) => ({
  rgb: blankRgb, depthPng: encodeGrey16Png(c.depth, c.width, c.height), depthUnitMm: 1, intrinsics: c.intrinsics,
  nonce: 'bench-nonce-0123456789', capturedAt: Date.now(),
}));

async function time(name: string, run: (i: number) => Promise<unknown> | unknown): Promise<{ name: string; samples: number[] }> {
  for (let i = 0; i < Math.min(4, frameCount); i++) await run(i); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < frameCount; i++) {
      const t0 = performance.now();
      await run(i);
      samples.push(performance.now() - t0);
    }
  }
  return { name, samples };
}

const nativeOnly = await time('native depth checks', (i) => {
  const c = captures[i];
  return runNativeDepthChecks({ width: c.width, height: c.height, depth: c.depth, depthUnitMm: 1, intrinsics: c.intrinsics }, { points: c.landmarks, stride: 3 }, config.depth);
});
const nativeIr = await time('native depth checks + IR', (i) => {
  const c = captures[i];
  return runNativeDepthChecks({ width: c.width, height: c.height, depth: c.depth, depthUnitMm: 1, intrinsics: c.intrinsics, ir: { values: c.ir, bits: 8 } }, { points: c.landmarks, stride: 3 }, config.depth);
});
const full = await time('checkDepthLiveness (PNG upload)', (i) => checkDepthLiveness(uploads[i], captures[i].landmarks, config));
const peer = await time('peer: pngjs 16-bit depth decode (event loop)', (i) => decodeGreyPng(uploads[i].depthPng, 'depth', [16], 1 << 22));

const peerMedian = median(peer.samples);
console.log(`# bench:liveness: ${frameCount} frames (640x480, seeds bench-0..${frameCount - 1}) x ${rounds} rounds, one at a time\n`);
console.log('| path | p50 ms | p99 ms | frames/s (1/p50) | p50 ratio to peer |');
console.log('|---|---:|---:|---:|---:|');
for (const r of [nativeOnly, nativeIr, full, peer]) {
  const p50 = median(r.samples);
  console.log(`| ${r.name} | ${p50.toFixed(2)} | ${percentile(r.samples, 99).toFixed(2)} | ${(1000 / p50).toFixed(0)} | ${(p50 / peerMedian).toFixed(2)} |`);
}
