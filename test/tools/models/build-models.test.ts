// The converter itself: byte-determinism against the pins, fast re-runs, loud pin failures, and the
// OpenCV 4.6 constraints visible in the written ONNX files.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { buildModels, renderPinsFile, sha256Hex } from '../../../tools/models/build-models.js';
import { MODEL_CATALOG } from '../../../tools/models/model-catalog.js';
import { INPUT_PINS, OUTPUT_PINS } from '../../../tools/models/pins.js';
import { projectRoot } from '../../../src/core/project-root.js';
import { summariseOnnx } from '../../helpers/protobuf-reader.js';

const quiet = () => {};

// The builds below never fetch (fetchTarballs: false): the MobileFaceNet tarball must already be cached.
const uncached = MODEL_CATALOG.flatMap((m) => m.source.files).find((f) => !existsSync(path.join(projectRoot, f)));
t.before(() => {
  if (uncached) throw new Error(`${uncached} is not cached: run "npm run build:models" first (it fetches the pinned tarball with npm pack)`);
});
const tempDir = (t: Test, prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

t.test('conversion is byte-deterministic and reproduces the pinned ONNX files; re-runs skip work', async (t) => {
  const outDir = tempDir(t, 'proofgate-models-');
  const first = buildModels({ projectRoot, outDir, repin: false, force: true, fetchTarballs: false, log: quiet });
  for (const m of first.models) {
    t.equal(m.converted, true, `${m.id} converted`);
    t.equal(m.sha256, OUTPUT_PINS[m.id], `${m.id} equals its pin`);
    t.equal(sha256Hex(readFileSync(path.join(outDir, m.file))), OUTPUT_PINS[m.id], `${m.file} on disk equals its pin`);
  }
  const lines: string[] = [];
  const second = buildModels({ projectRoot, outDir, repin: false, force: false, fetchTarballs: false, log: (l) => lines.push(l) });
  t.same(second.models.map((m) => m.converted), MODEL_CATALOG.map(() => false), 'second run converts nothing');
  t.ok(lines.some((l) => l.includes('up to date')), 'and says so');
  t.same(readFileSync(second.manifestPath), readFileSync(first.manifestPath), 'manifest is deterministic too');

  // A damaged output is noticed and rebuilt.
  writeFileSync(path.join(outDir, 'facemesh.onnx'), 'not a model');
  const third = buildModels({ projectRoot, outDir, repin: false, force: false, fetchTarballs: false, log: quiet });
  t.equal(third.models.find((m) => m.id === 'facemesh')!.converted, true, 'damaged facemesh.onnx is reconverted');
  t.equal(sha256Hex(readFileSync(path.join(outDir, 'facemesh.onnx'))), OUTPUT_PINS.facemesh);
});

t.test('tools/models/pins.ts is exactly what --repin would write for the installed packages', async (t) => {
  const outDir = tempDir(t, 'proofgate-repin-');
  const result = buildModels({ projectRoot, outDir, repin: true, force: false, fetchTarballs: false, log: quiet });
  t.equal(renderPinsFile(result.pins), readFileSync(path.join(projectRoot, 'tools', 'models', 'pins.ts'), 'utf8'));
  t.same(Object.keys(INPUT_PINS).sort(), MODEL_CATALOG.flatMap((m) => m.source.files).sort(), 'every source file is pinned');
});

t.test('a changed source file fails the build, naming the file and both hashes', async (t) => {
  // A copy of just the pinned package files, with one byte of the BlazeFace weights flipped.
  const root = tempDir(t, 'proofgate-tampered-');
  for (const rel of [...MODEL_CATALOG.flatMap((m) => m.source.files), ...new Set(MODEL_CATALOG.filter((m) => !m.source.tarball).map((m) => `node_modules/${m.source.package}/package.json`))]) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    copyFileSync(path.join(projectRoot, rel), path.join(root, rel));
  }
  const rel = 'node_modules/@vladmandic/human/models/blazeface.bin';
  const bytes = readFileSync(path.join(root, rel));
  bytes[1000] ^= 0x01;
  writeFileSync(path.join(root, rel), bytes);
  const actual = sha256Hex(bytes);
  t.throws(() => buildModels({ projectRoot: root, outDir: path.join(root, 'models'), repin: false, force: false, fetchTarballs: false, log: quiet }), {
    name: 'ProofgateError',
    code: 'ERR_MODEL_PIN',
    message: `model source ${rel}: expected sha256 ${INPUT_PINS[rel]}, actual ${actual}. If this change is intentional (package upgrade or converter change), review it and re-pin with "npm run build:models -- --repin" (see docs/models.md).`,
  });
});

t.test('the ONNX files respect OpenCV 4.6 importer limits', async (t) => {
  const outDir = tempDir(t, 'proofgate-onnx-');
  buildModels({ projectRoot, outDir, repin: false, force: false, fetchTarballs: false, log: quiet });
  // Ops the OpenCV 4.6 ONNX importer maps, restricted to what this converter may emit.
  const allowed = new Set(['Conv', 'Relu', 'Clip', 'PRelu', 'Add', 'Mul', 'MaxPool', 'AveragePool', 'Pad', 'Transpose', 'Reshape', 'Sigmoid', 'Softmax', 'ReduceMean', 'Gemm']);
  for (const m of MODEL_CATALOG) {
    const s = summariseOnnx(readFileSync(path.join(outDir, m.file)));
    t.equal(s.opset, 10, `${m.id}: opset 10`);
    t.equal(s.irVersion, 5, `${m.id}: IR 5`);
    t.same(s.inputs, [{ name: m.input.name, dims: m.input.shape }], `${m.id}: one static NCHW input`);
    t.same(s.outputs, m.outputs.map((o) => ({ name: o.name, dims: o.shape })), `${m.id}: outputs as catalogued`);
    const ops = new Set(s.nodes.map((n) => n.opType));
    t.same([...ops].filter((op) => !allowed.has(op)), [], `${m.id}: only supported ops (${[...ops].join(', ')})`);
    t.notOk(s.nodes.some((n) => 'auto_pad' in n.attributes), `${m.id}: no auto_pad, pads are explicit`);
    t.ok(s.nodes.filter((n) => n.opType === 'Clip').every((n) => n.inputs.length === 1 && n.attributes.min && n.attributes.max), `${m.id}: Clip in attribute form`);
    t.ok(s.nodes.filter((n) => n.opType === 'Gemm').every((n) => n.attributes.transB?.i === 1), `${m.id}: Gemm with transB=1`);
    const producer = new Map(s.nodes.map((n) => [n.outputs[0], n]));
    t.ok(
      // MobileFaceNet's final Squeeze flattens a [1, C, 1, 1] activation, where NCHW and NHWC orders agree.
      s.nodes.filter((n) => n.opType === 'Reshape').every((n) => producer.get(n.inputs[0])?.opType === 'Transpose' || (m.id === 'mobilefacenet' && n.outputs[0] === 'embedding')),
      `${m.id}: every Reshape of an activation reads an NHWC Transpose`,
    );
    // Every tensor a node reads is produced earlier, an initializer, or the graph input (topological order).
    const known = new Set([...s.initializerNames, ...s.inputs.map((i) => i.name)]);
    let ordered = true;
    for (const n of s.nodes) {
      if (!n.inputs.every((i) => known.has(i))) ordered = false;
      n.outputs.forEach((o) => known.add(o));
    }
    t.ok(ordered, `${m.id}: nodes are topologically ordered`);
  }
});
