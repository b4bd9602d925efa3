// The comparison peer really runs: face-api on TF.js WASM through the tfjs shim, on face-api's own demo
// photo (shipped in node_modules, so no data folder is needed).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FaceApiPeer, descriptorDistance } from '../../eval/peer/face-api-peer.js';
import { cropRgbImage, decodeRgbImage } from '../../eval/lib/rgb-image.js';

const require = createRequire(import.meta.url);
const sample1 = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');

t.test('face-api on WASM finds the faces of its demo photo and describes the same face alike', async (t) => {
  const peer = await FaceApiPeer.load();
  t.equal(peer.runtime.backend, 'wasm');
  t.equal(peer.runtime.faceApiVersion, '1.7.15');
  const photo = decodeRgbImage(readFileSync(sample1));
  const whole = await peer.analyzeFace(photo);
  t.equal(whole.faceCount, 3, 'three people in sample1.jpg');
  t.ok(whole.face, 'a best face');
  t.equal(whole.face!.descriptor.length, 128);
  for (const stage of ['detect', 'landmarks', 'align', 'embed'] as const) t.ok(whole.timings[stage] > 0, `${stage} timed`);

  // The same face cut out with a margin: a new detection and alignment, nearly the same descriptor.
  const { x, y, width, height } = whole.face!.box;
  const crop = await peer.analyzeFace(cropRgbImage(photo, x - width / 2, y - height / 2, width * 2, height * 2));
  t.equal(crop.faceCount, 1);
  const distance = descriptorDistance(whole.face!.descriptor, crop.face!.descriptor);
  t.ok(distance < 0.3, `same face, distance ${distance.toFixed(3)} well under face-api's 0.6`);
  t.equal(descriptorDistance(crop.face!.descriptor, crop.face!.descriptor), 0);

  const blank = await peer.analyzeFace({ width: 64, height: 64, rgb: new Uint8Array(64 * 64 * 3).fill(128) });
  t.same([blank.faceCount, blank.face, blank.timings.embed], [0, null, 0], 'a grey square has no face');
  t.throws(() => descriptorDistance(new Float32Array(2), new Float32Array(3)), new RangeError('descriptor lengths differ (2 vs 3)'));
});
