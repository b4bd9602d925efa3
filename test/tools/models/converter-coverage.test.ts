// The three catalogued models do not use every rewrite the graph converter implements. Human's
// faceres model does (Relu->Minimum->Maximum folded to Clip, _FusedMatMul to Gemm transB=1, Mean to
// ReduceMean, Softmax), so it is converted here, in memory, and checked against TF.js the same way.
// faceres is NOT shipped (it has no licence, see the biometrics spec); it only exercises the code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { convertGraphModel, type TfjsGraphModelJson } from '../../../tools/models/convert-graph-model.js';
import { encodeOnnxModel } from '../../../tools/models/onnx-builder.js';
import { runOnnxModel } from '../../../tools/models/run-onnx.js';
import { decodeWeightsManifest } from '../../../tools/models/tfjs-weights.js';
import { projectRoot } from '../../../src/core/project-root.js';
import { maxAbs, maxAbsDiff, nchwToNhwc, seededUniform } from '../../helpers/model-fixtures.js';
import { summariseOnnx } from '../../helpers/protobuf-reader.js';
import { loadGraphModelFromFiles, runGraphModel, tf, useCpuBackend } from '../../helpers/tfjs-reference.js';

const modelDir = path.join(projectRoot, 'node_modules', '@vladmandic', 'human', 'models');
const outputs = [
  { tfNode: 'gender_pred/Sigmoid', onnxName: 'gender' },
  { tfNode: 'global_pooling/Mean', onnxName: 'descriptor' },
  { tfNode: 'age_pred/Softmax', onnxName: 'age' },
];

t.test('faceres: Relu6, fused MatMul, Mean and Softmax convert and match TF.js', async (t) => {
  const json = JSON.parse(readFileSync(path.join(modelDir, 'faceres.json'), 'utf8')) as TfjsGraphModelJson;
  const weights = decodeWeightsManifest(json.weightsManifest, (p) => readFileSync(path.join(modelDir, p)));
  const converted = convertGraphModel(json, weights, {
    graphName: 'faceres',
    inputName: 'input',
    outputs,
    producerName: 'test',
    producerVersion: '0',
    docString: '',
    metadata: {},
  });
  t.same(converted.input.dims, [1, 3, 224, 224]);
  t.same(converted.outputs, [
    { name: 'gender', dims: [1, 1] },
    { name: 'descriptor', dims: [1, 1024] },
    { name: 'age', dims: [1, 100] },
  ]);
  t.ok(converted.opCounts.Clip > 0, `Relu6 chains became Clip (${converted.opCounts.Clip})`);
  t.equal(converted.opCounts.Minimum ?? 0, 0, 'no Minimum left');
  t.ok(converted.opCounts.Gemm > 0, 'fused MatMul became Gemm');

  const bytes = encodeOnnxModel(converted.model);
  const summary = summariseOnnx(bytes);
  t.ok(summary.nodes.filter((n) => n.opType === 'Clip').every((n) => n.inputs.length === 1 && n.attributes.max.f === 6 && n.attributes.min.f === 0), 'Clip(0, 6) in attribute form');
  t.ok(summary.nodes.filter((n) => n.opType === 'Gemm').every((n) => n.attributes.transB.i === 1), 'Gemm transB=1');

  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-faceres-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'faceres.onnx');
  writeFileSync(file, bytes);

  await useCpuBackend();
  const model = await loadGraphModelFromFiles(path.join(modelDir, 'faceres.json'));
  const input = seededUniform(4, 3 * 224 * 224, 0, 1);
  const onnx = await runOnnxModel(file, [{ name: 'input', data: input, shape: [1, 3, 224, 224] }], outputs.map((o) => o.onnxName));
  const x = tf.tensor4d(nchwToNhwc(input, 3, 224, 224), [1, 224, 224, 3]);
  const ref = runGraphModel(model, x, outputs.map((o) => o.tfNode));
  x.dispose();
  outputs.forEach((o, i) => {
    const diff = maxAbsDiff(onnx[i].data, ref[i]);
    t.ok(diff <= 1e-4, `${o.onnxName}: max |onnx - tfjs| = ${diff.toExponential(2)} <= 1e-4 (max |ref| ${maxAbs(ref[i]).toFixed(3)})`);
  });
});
