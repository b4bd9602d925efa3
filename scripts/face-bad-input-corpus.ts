// Runs the face engine's bad-input corpus (and a few good photos) straight against a native addon
// build, for sanitizer and valgrind runs of the C++ code:
//
//   cmake-js compile -d native -O build/asan --CDPROOFGATE_SANITIZE=ON
//   LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 \
//     node --import tsx scripts/face-bad-input-corpus.ts build/asan/Release/proofgate.node
//   valgrind --error-exitcode=9 node --import tsx scripts/face-bad-input-corpus.ts
//
// Each case must settle (a result or a coded error); the sanitizer or valgrind reports memory errors.
import { createRequire } from 'node:module';
import path from 'node:path';
import { readModelManifest } from '../src/biometrics/model-manifest.js';
import { alignmentTemplate } from '../src/biometrics/alignment-templates.js';
import type { NativeAnalyzeOptions, NativeEngineSpec, NativeFaceAddon } from '../src/biometrics/native-face.js';
import { addonPath } from '../src/native/addon.js';
import { projectRoot } from '../src/core/project-root.js';
import { demoPhotoBytes, faceJpeg } from '../test/helpers/face-photos.js';
import { encodePng, jpegHeaderOnly, noFacePicture, pngHeaderOnly, webpHeaderOnly, withExifOrientation, TINY_WEBP } from '../test/helpers/face-images.js';

const require = createRequire(import.meta.url);
const addon = require(path.resolve(process.argv[2] ?? addonPath)) as NativeFaceAddon;

function corpus(): [string, Buffer][] {
  const photo = demoPhotoBytes('sample1.jpg');
  const png = encodePng(noFacePicture(320, 240));
  const garbledHeader = Buffer.from(photo).fill(0, 6, 400);
  const garbledScan = Buffer.from(photo);
  for (let i = 5000; i < garbledScan.length - 5000; i += 997) garbledScan[i] ^= 0x5a;
  const pngBadData = Buffer.from(png).fill(0xab, 60, png.length - 20);
  const cases: [string, Buffer][] = [
    ['zero bytes', Buffer.alloc(0)],
    ['JPEG SOI only', Buffer.from([0xff, 0xd8, 0xff])],
    ['JPEG cut in half', photo.subarray(0, photo.length >> 1)],
    ['JPEG without EOI', photo.subarray(0, photo.length - 2)],
    ['JPEG garbled header', garbledHeader],
    ['JPEG garbled scan data', garbledScan],
    ['JPEG 30000x30000 header', jpegHeaderOnly(30000, 30000)],
    ['JPEG 65535x65535 header', jpegHeaderOnly(65535, 65535)],
    ['JPEG 1x1 header, stub scan', jpegHeaderOnly(1, 1)],
    ['JPEG 4000x4000 header, stub scan', jpegHeaderOnly(4000, 4000)],
    ['PNG cut short', png.subarray(0, png.length >> 1)],
    ['PNG corrupt data', pngBadData],
    ['PNG signature only', png.subarray(0, 8)],
    ['PNG 30000x30000 header', pngHeaderOnly(30000, 30000)],
    ['PNG 6000x6000 header, no data', pngHeaderOnly(6000, 6000)],
    ['WebP 16383x16383 header', webpHeaderOnly(16383, 16383)],
    ['WebP 64x64 header, no data', webpHeaderOnly(64, 64)],
    ['WebP 4x4', TINY_WEBP],
    ['WebP truncated', TINY_WEBP.subarray(0, 31)],
    ['PDF', Buffer.from('%PDF-1.7\n%%EOF\n')],
    ['text', Buffer.from('not an image')],
    ['random', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 2654435761) >>> 24))],
    ['EXIF orientation 6 face', withExifOrientation(faceJpeg('personA'), 6)],
    ['no face', png],
    ['tight 100 px face', faceJpeg('personB', { width: 100, height: 100, zoom: 0.6 })],
    ['group photo', photo],
  ];
  // Every prefix length class of a small valid JPEG: cuts inside each marker segment and the scan.
  const small = faceJpeg('personC', { width: 64, height: 64 });
  for (let n = 1; n < small.length; n += Math.max(1, Math.floor(small.length / 40))) cases.push([`small JPEG cut at ${n}`, small.subarray(0, n)]);
  return cases;
}

const manifest = readModelManifest(path.join(projectRoot, 'models', 'manifest.json'));
const align = alignmentTemplate('dlib', 150, 150);
const spec: NativeEngineSpec = {
  detector: { ...manifest.detector, inEngine: true },
  landmarker: manifest.landmarker,
  embedder: { ...manifest.embedders['dlib-resnet']!.slot, alignMeshPoints: align.meshPoints, alignTemplate: align.template.flat(), inEngine: true },
  pipelines: 2,
  useOpenCl: false,
};
const options: NativeAnalyzeOptions = {
  maxPixels: 40_000_000, minDetectionScore: 0.5, nmsIouThreshold: 0.3, maxFaces: 10, tightCropPadding: 0.5, minLandmarkScore: 0.5, refineLandmarks: true, refineMinCropChange: 0.1, computeEmbedding: true,
};
const engine = await addon.faceEngineLoad(spec);
let settled = 0;
const outcomes = new Map<string, number>();
// Two at a time, so both pipelines and the pool run concurrently under the checker.
const cases = corpus();
for (let i = 0; i < cases.length; i += 2) {
  await Promise.all(cases.slice(i, i + 2).map(async ([label, bytes]) => {
    for (const run of [() => addon.imageProbe(bytes, { maxPixels: 40_000_000 }), () => addon.faceAnalyze(engine, bytes, options, null)]) {
      const outcome = await (run() as Promise<{ detections?: unknown[]; width?: number; height?: number }>).then(
        (r) => (r.detections ? `faces ${r.detections.length}` : `${r.width}x${r.height}`),
        (e: { code?: string }) => e.code ?? 'UNCODED',
      );
      if (outcome === 'UNCODED') throw new Error(`${label}: rejected without a code`);
      outcomes.set(outcome.startsWith('faces') ? 'analysed' : outcome, (outcomes.get(outcome.startsWith('faces') ? 'analysed' : outcome) ?? 0) + 1);
      settled++;
    }
  }));
}
addon.faceEngineClose(engine);
console.log(`${cases.length} inputs, ${settled} calls settled:`, Object.fromEntries(outcomes));
