// ONNX Runtime sessions on worker threads (src/biometrics/onnxruntime-runner.ts): onnxruntime-node computes
// on the thread that calls run(), so each session lives on a thread of its own. Concurrent runs on one
// runner give the answers of sequential ones; a run in flight keeps the process alive until it answers,
// an idle runner does not; a missing model still fails to open with ERR_MODEL.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { openOnnxRuntimeRunner } from '../../src/biometrics/onnxruntime-runner.js';
import { missingModels, modelsDir } from '../helpers/face-engine-fixture.js';

const SHAPE = [1, 3, 150, 150];

function input(seed: number): Float32Array {
  const a = new Float32Array(SHAPE.reduce((x, y) => x * y, 1));
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37 + seed) * 0.8;
  return a;
}

const missing = missingModels();
if (missing !== null) {
  t.fail(missing);
} else {
  const model = path.join(modelsDir, 'face_recognition.onnx');

  t.test('concurrent runs on one runner answer as sequential ones, and leave the caller its input', async (t) => {
    const runner = await openOnnxRuntimeRunner({ path: model, threads: 1, fuse: false });
    t.teardown(() => runner.close());
    const inputs = [1, 2, 3, 4].map(input);
    const sequential: Float32Array[] = [];
    for (const x of inputs) sequential.push((await runner.run(x, SHAPE, ['descriptor']))[0]);
    const concurrent = await Promise.all(inputs.map((x) => runner.run(x, SHAPE, ['descriptor'])));
    concurrent.forEach(([d], i) => t.same(Array.from(d), Array.from(sequential[i]), `input ${i}: same descriptor`));
    t.notSame(Array.from(sequential[0]), Array.from(sequential[1]), 'different inputs, different descriptors');
    t.equal(inputs[0].length, 3 * 150 * 150, 'the input array is still the caller’s (cloned, not moved)');
  });

  t.test('a run in flight keeps the process alive until it answers; an idle, unclosed runner does not hold it', async (t) => {
    // The child starts one run and awaits nothing else: if the worker were unref'd during the run the
    // process would exit before printing; if it stayed ref'd when idle the process would never exit.
    const script = [
      `import { openOnnxRuntimeRunner } from ${JSON.stringify(path.resolve('src/biometrics/onnxruntime-runner.ts'))};`,
      `const runner = await openOnnxRuntimeRunner({ path: ${JSON.stringify(model)}, threads: 1, fuse: false });`,
      `runner.run(new Float32Array(67500), [1, 3, 150, 150], ['descriptor']).then(([d]) => console.log('descriptor', d.length));`,
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 });
    t.equal(stdout.trim(), 'descriptor 128');
  });

  t.test('a model file that is not there fails to open with ERR_MODEL naming it', async (t) => {
    await t.rejects(openOnnxRuntimeRunner({ path: path.join(modelsDir, 'absent.onnx'), threads: 1, fuse: false }), { code: 'ERR_MODEL', message: /absent\.onnx: ONNX Runtime cannot load it/ });
  });
}
