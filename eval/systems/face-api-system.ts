// The face-api peer behind the FaceSystem interface: pure-JS decode (jpeg-js / pngjs) timed as its own
// stage, then detect, landmarks, align and embed on TF.js WASM.
import { decodeRgbImage } from '../lib/rgb-image.js';
import type { FaceProbe, FaceSystem } from '../lib/face-system.js';
import { FaceApiPeer, descriptorDistance } from '../peer/face-api-peer.js';

/** face-api's documented match rule: Euclidean distance below 0.6. */
const FACE_API_DEFAULT_THRESHOLD = 0.6;

export async function loadFaceApiSystem(): Promise<FaceSystem> {
  const peer = await FaceApiPeer.load();
  const { faceApiVersion, tfjsVersion, backend, wasmSimd, wasmThreads } = peer.runtime;
  return {
    name: 'face-api',
    description:
      `@vladmandic/face-api ${faceApiVersion}, TF.js ${tfjsVersion} ${backend} (SIMD ${wasmSimd ? 'on' : 'off'}, ` +
      `threads ${wasmThreads ? 'on' : 'off'}): SSD MobileNet v1, 68 landmarks, dlib ResNet 128-d; decode jpeg-js/pngjs`,
    stages: ['decode', 'detect', 'landmarks', 'align', 'embed'],
    defaultThreshold: FACE_API_DEFAULT_THRESHOLD,
    async analyze(image: Buffer): Promise<FaceProbe> {
      const start = performance.now();
      const rgb = decodeRgbImage(image);
      const decode = performance.now() - start;
      const result = await peer.analyzeFace(rgb);
      return { faceCount: result.faceCount, template: result.face?.descriptor ?? null, timings: { decode, ...result.timings } };
    },
    distance: descriptorDistance,
    async close() {},
  };
}
