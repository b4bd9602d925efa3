// Error paths of the generic ONNX runner: bad input gets a typed error and never reaches OpenCV
// unchecked; OpenCV failures come back as coded errors, not crashes.
import path from 'node:path';
import t from 'tap';
import { runOnnxModel } from '../../../tools/models/run-onnx.js';
import { projectRoot } from '../../../src/core/project-root.js';
import { existsSync } from 'node:fs';

const model = path.join(projectRoot, 'models', 'face_recognition.onnx');
const goodInput = () => ({ name: 'input', data: new Float32Array(3 * 150 * 150), shape: [1, 3, 150, 150] });

if (!existsSync(model)) {
  t.fail(`${model} is missing: run \`npm run build:models\` first`);
} else {
  t.test('runs a model and returns the named output with its shape', async (t) => {
    const [out] = await runOnnxModel(model, [goodInput()], ['descriptor']);
    t.equal(out.name, 'descriptor');
    t.same(out.shape, [1, 128]);
    t.equal(out.data.length, 128);
    t.ok(out.data.every(Number.isFinite));
  });

  t.test('without output names it returns the unconnected outputs', async (t) => {
    const outs = await runOnnxModel(path.join(projectRoot, 'models', 'blazeface.onnx'), [{ name: 'input', data: new Float32Array(3 * 256 * 256), shape: [1, 3, 256, 256] }]);
    t.same(outs.map((o) => o.name).sort(), ['logits_stride16', 'logits_stride32', 'regressors_stride16', 'regressors_stride32']);
  });

  t.test('invalid inputs are rejected before the native call', async (t) => {
    await t.rejects(runOnnxModel(model, [{ ...goodInput(), shape: [1, 3, 150, 149] }], ['descriptor']), {
      code: 'ERR_BAD_REQUEST',
      message: 'runOnnxModel: inputs[0] (input) has 67500 values for shape [1,3,150,149] (67050)',
    });
    await t.rejects(runOnnxModel(model, [{ ...goodInput(), data: new Float64Array(67500) as unknown as Float32Array }]), { code: 'ERR_BAD_REQUEST', message: /must be a Float32Array/ });
    await t.rejects(runOnnxModel(model, [{ ...goodInput(), shape: [1, 3, 150, 0] }]), { code: 'ERR_BAD_REQUEST', message: /positive integers/ });
    await t.rejects(runOnnxModel(model, []), { code: 'ERR_BAD_REQUEST', message: /at least one input/ });
    await t.rejects(runOnnxModel(path.join(projectRoot, 'models', 'nope.onnx'), [goodInput()]), { code: 'ERR_MODEL', message: /does not exist: run "npm run build:models"/ });
  });

  t.test('OpenCV failures come back as coded errors', async (t) => {
    await t.rejects(runOnnxModel(model, [goodInput()], ['no_such_output']), { code: 'ERR_MODEL', message: /ERR_MODEL_OUTPUT.*no output named no_such_output/ });
    // The shape is self-consistent but wrong for the network: OpenCV throws inside the worker.
    await t.rejects(runOnnxModel(model, [{ name: 'input', data: new Float32Array(3 * 20 * 20), shape: [1, 3, 20, 20] }], ['descriptor']), {
      code: 'ERR_MODEL',
      message: /ERR_NATIVE_OPENCV/,
    });
    // A file that is not ONNX.
    await t.rejects(runOnnxModel(path.join(projectRoot, 'models', 'manifest.json'), [goodInput()]), { code: 'ERR_MODEL', message: /ERR_NATIVE_OPENCV/ });
  });
}
