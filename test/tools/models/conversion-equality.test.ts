// The converted ONNX files, run in OpenCV 4.6 (through the addon's runOnnxModel), must give the
// same outputs as the original TF.js models on tfjs-backend-cpu, on seeded random inputs and on a
// real photo from the face-api package.
//
// Tolerances. Absolute 1e-4 on probabilities (sigmoid of the BlazeFace logits, FaceMesh face flag),
// on FaceMesh landmarks and contours in normalised crop coordinates (pixels / 192) and on face descriptors.
// Raw quantities with a large magnitude are compared relative to the largest magnitude of that
// output (|a-b| <= 1e-5 * max(1, max|ref|)): BlazeFace logits and regressors (pixel offsets) and
// FaceMesh landmarks in pixels reach ~100-200; a float32 sum of hundreds of
// products of that size carries rounding of ~1e-7 relative per step, and OpenCV and TF.js sum in
// different orders (im2col/Winograd vs direct loops), so an absolute 1e-4 would test rounding, not
// conversion. A wrong layout, pad or weight moves these outputs by whole units.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { sha256Hex } from '../../../tools/models/build-models.js';
import { BLAZEFACE_DECODER, MODEL_CATALOG, type GraphModelEntry, type ModelId } from '../../../tools/models/model-catalog.js';
import { OUTPUT_PINS } from '../../../tools/models/pins.js';
import { runOnnxModel } from '../../../tools/models/run-onnx.js';
import { projectRoot } from '../../../src/core/project-root.js';
import { faceApiDemoPhoto, maxAbs, maxAbsDiff, nhwcToNchw, nchwToNhwc, seededUniform, sigmoid } from '../../helpers/model-fixtures.js';
import { FaceApiRecognitionReference, loadGraphModelFromFiles, runGraphModel, tf, useCpuBackend } from '../../helpers/tfjs-reference.js';

const ABS_TOL = 1e-4;
const REL_TOL = 1e-5;
const FACEMESH_SIZE = 192;
const modelsDir = path.join(projectRoot, 'models');
const entry = (id: ModelId) => MODEL_CATALOG.find((m) => m.id === id)!;
const onnxPath = (id: ModelId) => path.join(modelsDir, entry(id).file);

const missing = [...MODEL_CATALOG.map((m) => m.file), 'manifest.json'].filter((f) => !existsSync(path.join(modelsDir, f)));
if (missing.length > 0) {
  t.fail(`converted models are missing from ${modelsDir} (${missing.join(', ')}): run \`npm run build:models\` first`);
} else {
  registerTests();
}

interface Measured {
  output: string;
  maxAbsDiff: number;
  scale: number;
}

function compareAbsolute(t: Test, label: string, onnx: Float32Array, ref: Float32Array): Measured {
  const diff = maxAbsDiff(onnx, ref);
  t.ok(diff <= ABS_TOL, `${label}: max |onnx - tfjs| = ${diff.toExponential(2)} <= ${ABS_TOL}`);
  return { output: label, maxAbsDiff: diff, scale: maxAbs(ref) };
}

function compareRelative(t: Test, label: string, onnx: Float32Array, ref: Float32Array): Measured {
  const diff = maxAbsDiff(onnx, ref);
  const scale = Math.max(1, maxAbs(ref));
  t.ok(diff <= REL_TOL * scale, `${label}: max |onnx - tfjs| = ${diff.toExponential(2)} <= ${REL_TOL} x ${scale.toFixed(1)}`);
  return { output: label, maxAbsDiff: diff, scale };
}

function report(t: Test, title: string, rows: Measured[]): void {
  for (const r of rows) t.comment(`${title} | ${r.output} | max abs diff ${r.maxAbsDiff.toExponential(2)} | max |ref| ${r.scale.toFixed(3)}`);
}

/** Runs a converted graph model both ways on the same NCHW input; returns the ONNX outputs by name. */
async function runBoth(entryId: 'blazeface' | 'facemesh', inputNchw: Float32Array, model: Awaited<ReturnType<typeof loadGraphModelFromFiles>>) {
  const e = entry(entryId) as GraphModelEntry;
  const [, c, h, w] = e.input.shape;
  const onnx = await runOnnxModel(onnxPath(entryId), [{ name: e.input.name, data: inputNchw, shape: e.input.shape }], e.outputs.map((o) => o.name));
  const input = tf.tensor4d(nchwToNhwc(inputNchw, c, h, w), [1, h, w, c]);
  const ref = runGraphModel(model, input, e.tfOutputs.map((o) => o.tfNode));
  input.dispose();
  const byName = new Map<string, { onnx: Float32Array; ref: Float32Array; shape: number[] }>();
  e.tfOutputs.forEach((o, i) => {
    const got = onnx.find((x) => x.name === o.onnxName)!;
    byName.set(o.onnxName, { onnx: got.data, ref: ref[i], shape: got.shape });
  });
  return byName;
}

function compareBlazeFace(t: Test, title: string, out: Awaited<ReturnType<typeof runBoth>>): void {
  const rows: Measured[] = [];
  for (const layer of BLAZEFACE_DECODER.anchorLayers) {
    const [logitsName, regressorsName] = layer.outputs;
    const logits = out.get(logitsName)!;
    const regs = out.get(regressorsName)!;
    rows.push(compareAbsolute(t, `${logitsName} sigmoid`, logits.onnx.map(sigmoid), logits.ref.map(sigmoid)));
    rows.push(compareRelative(t, `${logitsName} raw`, logits.onnx, logits.ref));
    rows.push(compareRelative(t, regressorsName, regs.onnx, regs.ref));
  }
  report(t, title, rows);
}

function compareFaceMesh(t: Test, title: string, out: Awaited<ReturnType<typeof runBoth>>): void {
  const rows: Measured[] = [compareAbsolute(t, 'face_flag', out.get('face_flag')!.onnx, out.get('face_flag')!.ref)];
  for (const name of ['mesh', 'contours']) {
    const { onnx, ref } = out.get(name)!;
    // Landmarks are compared in normalised crop coordinates (pixels / 192), the unit they are used in.
    rows.push(compareAbsolute(t, `${name} / 192`, onnx.map((v) => v / FACEMESH_SIZE), ref.map((v) => v / FACEMESH_SIZE)));
    rows.push(compareRelative(t, `${name} px`, onnx, ref));
  }
  report(t, title, rows);
}

/** Decodes the best BlazeFace anchor with the manifest's decoder parameters (as the native pipeline will). */
function bestBlazeFaceBox(out: Awaited<ReturnType<typeof runBoth>>, source: 'onnx' | 'ref') {
  let best = { score: -1, cx: 0, cy: 0, w: 0, h: 0, keypoints: [] as [number, number][] };
  for (const layer of BLAZEFACE_DECODER.anchorLayers) {
    const logits = out.get(layer.outputs[0])![source];
    const regs = out.get(layer.outputs[1])![source];
    let i = 0;
    for (let gy = 0; gy < layer.gridSize; gy++)
      for (let gx = 0; gx < layer.gridSize; gx++)
        for (let a = 0; a < layer.anchorsPerCell; a++, i++) {
          const score = sigmoid(logits[i]);
          if (score <= best.score) continue;
          const ax = layer.stride * (gx + 0.5);
          const ay = layer.stride * (gy + 0.5);
          const r = regs.subarray(i * 16, i * 16 + 16);
          const keypoints: [number, number][] = [];
          for (let k = 0; k < 6; k++) keypoints.push([ax + r[4 + 2 * k], ay + r[5 + 2 * k]]);
          best = { score, cx: ax + r[0], cy: ay + r[1], w: r[2], h: r[3], keypoints };
        }
  }
  return best;
}

function registerTests(): void {
  const photo = faceApiDemoPhoto('sample1.jpg');
  let blazeface: Awaited<ReturnType<typeof loadGraphModelFromFiles>>;
  let facemesh: Awaited<ReturnType<typeof loadGraphModelFromFiles>>;
  let recognizer: FaceApiRecognitionReference;
  let photoTensor: tf.Tensor4D;
  // Filled by the BlazeFace photo test: the detected face as a normalised [y1, x1, y2, x2] crop box.
  let faceCrop: [number, number, number, number] | undefined;

  t.before(async () => {
    await useCpuBackend();
    blazeface = await loadGraphModelFromFiles(path.join(projectRoot, (entry('blazeface') as GraphModelEntry).modelJson));
    facemesh = await loadGraphModelFromFiles(path.join(projectRoot, (entry('facemesh') as GraphModelEntry).modelJson));
    const rec = entry('face_recognition');
    if (rec.kind !== 'face-api-face-recognition') throw new Error('catalog: face_recognition has the wrong kind');
    recognizer = FaceApiRecognitionReference.load(path.join(projectRoot, rec.weightsManifest));
    photoTensor = tf.tensor4d(Float32Array.from(photo.rgb), [1, photo.height, photo.width, 3]);
  });
  t.teardown(() => {
    photoTensor?.dispose();
  });

  t.test('models/ holds the pinned files and a manifest that describes them', async (t) => {
    const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8'));
    t.equal(manifest.format, 'proofgate-models/1');
    t.equal(manifest.opset, 10);
    for (const m of MODEL_CATALOG) {
      const hash = sha256Hex(readFileSync(onnxPath(m.id)));
      t.equal(hash, OUTPUT_PINS[m.id], `${m.file} matches its pin (rebuild with npm run build:models if not)`);
      t.equal(manifest.models[m.id].sha256, hash, `manifest sha256 of ${m.file}`);
      t.same(manifest.models[m.id].input.shape, m.input.shape, `manifest input shape of ${m.id}`);
      t.same(manifest.models[m.id].outputs.map((o: { name: string }) => o.name), m.outputs.map((o) => o.name), `manifest outputs of ${m.id}`);
    }
    t.equal(manifest.models.blazeface.decoder.anchorCount, 896);
    t.equal(
      manifest.models.blazeface.decoder.anchorLayers.reduce((n: number, l: { gridSize: number; anchorsPerCell: number }) => n + l.gridSize ** 2 * l.anchorsPerCell, 0),
      896,
      'anchor layers add up to 896 anchors',
    );
  });

  t.test('BlazeFace: random input in [-1, 1]', async (t) => {
    const input = seededUniform(1, 3 * 256 * 256, -1, 1);
    compareBlazeFace(t, 'blazeface random', await runBoth('blazeface', input, blazeface));
  });

  t.test('BlazeFace: face-api demo photo sample1.jpg, x/127.5-1 at 256x256', async (t) => {
    const resized = tf.tidy(() => tf.sub(tf.div(tf.image.resizeBilinear(photoTensor, [256, 256]), 127.5), 1));
    const input = nhwcToNchw(resized.dataSync() as Float32Array, 3, 256, 256);
    resized.dispose();
    const out = await runBoth('blazeface', input, blazeface);
    compareBlazeFace(t, 'blazeface photo', out);
    const onnxBest = bestBlazeFaceBox(out, 'onnx');
    const refBest = bestBlazeFaceBox(out, 'ref');
    t.ok(onnxBest.score > 0.75, `a face is found in the photo (score ${onnxBest.score.toFixed(3)})`);
    t.ok(Math.abs(onnxBest.cx - refBest.cx) < 1e-3 && Math.abs(onnxBest.cy - refBest.cy) < 1e-3, 'ONNX and TF.js decode the same box');
    const [rightEye, leftEye] = onnxBest.keypoints;
    t.ok(rightEye[0] < leftEye[0], 'keypoint 0 (subject\'s right eye) lies left of keypoint 1 in the image, as the manifest says');
    t.comment(`blazeface photo best face: score ${onnxBest.score.toFixed(4)} centre (${onnxBest.cx.toFixed(1)}, ${onnxBest.cy.toFixed(1)}) size ${onnxBest.w.toFixed(1)}x${onnxBest.h.toFixed(1)} (256-px input)`);
    // Face crop for the next models: the box enlarged 1.4x and squared in photo pixels, as Human does.
    const sx = photo.width / 256;
    const sy = photo.height / 256;
    const side = Math.max(onnxBest.w * sx, onnxBest.h * sy) * 1.4;
    const cx = onnxBest.cx * sx;
    const cy = onnxBest.cy * sy;
    faceCrop = [(cy - side / 2) / photo.height, (cx - side / 2) / photo.width, (cy + side / 2) / photo.height, (cx + side / 2) / photo.width];
  });

  t.test('FaceMesh: random input in [0, 1]', async (t) => {
    compareFaceMesh(t, 'facemesh random', await runBoth('facemesh', seededUniform(2, 3 * 192 * 192, 0, 1), facemesh));
  });

  t.test('FaceMesh: the detected face from sample1.jpg, 0..1 at 192x192', async (t) => {
    if (!faceCrop) return t.fail('the BlazeFace photo test found no face to crop');
    const crop = tf.tidy(() => tf.div(tf.image.cropAndResize(photoTensor, [faceCrop!], [0], [192, 192]), 255));
    const input = nhwcToNchw(crop.dataSync() as Float32Array, 3, 192, 192);
    crop.dispose();
    const out = await runBoth('facemesh', input, facemesh);
    compareFaceMesh(t, 'facemesh photo', out);
    t.ok(out.get('face_flag')!.onnx[0] > 0.9, `the mesh model sees a face (flag ${out.get('face_flag')!.onnx[0].toFixed(4)})`);
  });

  const recognitionInput = (rgb0to255: Float32Array): Float32Array => {
    const mean = entry('face_recognition').input.normalisation.mean;
    const nhwc = rgb0to255.map((v, i) => (v - mean[i % 3]) / 255);
    return nhwcToNchw(nhwc, 3, 150, 150);
  };

  const compareDescriptors = async (t: Test, title: string, inputNchw: Float32Array) => {
    const [onnx] = await runOnnxModel(onnxPath('face_recognition'), [{ name: 'input', data: inputNchw, shape: [1, 3, 150, 150] }], ['descriptor']);
    t.same(onnx.shape, [1, 128]);
    const x = tf.tensor4d(nchwToNhwc(inputNchw, 3, 150, 150), [1, 150, 150, 3]);
    const ref = recognizer.descriptor(x);
    x.dispose();
    report(t, title, [compareAbsolute(t, 'descriptor', onnx.data, ref)]);
    return onnx.data;
  };

  t.test('face recognition: random pixels, (rgb - mean)/255 at 150x150', async (t) => {
    await compareDescriptors(t, 'face_recognition random', recognitionInput(seededUniform(3, 150 * 150 * 3, 0, 255)));
  });

  t.test('face recognition: the detected face from sample1.jpg', async (t) => {
    if (!faceCrop) return t.fail('the BlazeFace photo test found no face to crop');
    const crop = tf.tidy(() => tf.image.cropAndResize(photoTensor, [faceCrop!], [0], [150, 150]));
    const rgb = crop.dataSync() as Float32Array;
    crop.dispose();
    const descriptor = await compareDescriptors(t, 'face_recognition photo', recognitionInput(rgb));
    const norm = Math.hypot(...descriptor);
    t.ok(norm > 0.1 && norm < 10, `descriptor norm is plausible (${norm.toFixed(3)})`);
  });
}
