// FaceEngine.load and the engine's lifecycle: the runtime report for /health, model slots (a custom
// embedder), every way a model or manifest can be wrong, backend choice, the admission queue, close().
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { analyzeFace } from '../../src/biometrics/analyze-face.js';
import { compareFaces } from '../../src/biometrics/compare-faces.js';
import { nativeFace } from '../../src/biometrics/native-face.js';
import { loadEngine, loadEvaluationEngine, missingModels, modelsDir } from '../helpers/face-engine-fixture.js';
import { encodePng, noFacePicture } from '../helpers/face-images.js';
import { faceJpeg } from '../helpers/face-photos.js';

const missing = missingModels();
if (missing) t.fail(missing);
else registerTests();

function registerTests(): void {
  const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8'));
  const dlibInput = { width: 150, height: 150, mean: [122.782, 117.001, 104.298], std: [255, 255, 255], channelOrder: 'rgb' };
  const embedderSlot = (over: Record<string, unknown> = {}) => ({
    path: path.join(modelsDir, 'face_recognition.onnx'), input: dlibInput, output: 'descriptor', outputDim: 128, alignment: 'dlib', l2Normalize: false, ...over,
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-face-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));

  t.test('loads from the manifest and reports its runtime', async (t) => {
    const engine = await loadEngine();
    t.teardown(() => engine.close());
    const r = engine.runtime();
    const haveOpenCL = nativeFace().runtimeInfo().haveOpenCL;
    t.equal(r.backend, haveOpenCL ? 'opencl' : 'cpu', "'auto' picks OpenCL only when OpenCV finds a device");
    t.equal(r.opencvVersion, '4.6.0');
    t.ok(r.opencvThreads >= 1);
    t.equal(r.pipelines, 2);
    t.same([r.active, r.queued, r.closed], [0, 0, false]);
    t.equal(r.models.detector.sha256, manifest.models.blazeface.sha256);
    t.equal(r.models.landmarker.sha256, manifest.models.facemesh.sha256);
    t.equal(r.models.embedder.sha256, manifest.models.face_recognition.sha256);
    t.equal(r.embedderId, `dlib-resnet29-${manifest.models.face_recognition.sha256.slice(0, 12)}`);
    t.same(r.warnings, []);
    t.ok(r.loadMs > 0);
  });

  t.test("backend 'opencl' needs a device", async (t) => {
    if (nativeFace().runtimeInfo().haveOpenCL) {
      const engine = await loadEngine({ backend: 'opencl' });
      t.equal(engine.runtime().backend, 'opencl');
      engine.close();
    } else {
      await t.rejects(loadEngine({ backend: 'opencl' }), {
        code: 'ERR_MODEL', message: 'biometrics.backend is "opencl" but OpenCV finds no OpenCL device (cv::ocl::haveOpenCL() is false)',
      });
      const cpu = await loadEngine({ backend: 'cpu' });
      t.equal(cpu.runtime().backend, 'cpu');
      cpu.close();
    }
  });

  t.test('a custom embedder in the slot: another alignment and unit-length descriptors', async (t) => {
    const engine = await loadEngine({ matching: { threshold: 0.5 }, embedder: embedderSlot({ alignment: 'arcface', l2Normalize: true }), pipelines: 1 });
    t.teardown(() => engine.close());
    t.match(engine.runtime().embedderId, /^custom:/);
    t.equal(engine.runtime().models.embedder.sha256, null, 'no manifest hash for a custom file');
    const a = (await analyzeFace(engine, faceJpeg('personA'))).face!.embedding!;
    const a2 = (await analyzeFace(engine, faceJpeg('personA', { width: 200, height: 200, quality: 60 }))).face!.embedding!;
    const b = (await analyzeFace(engine, faceJpeg('personB'))).face!.embedding!;
    t.equal(Math.hypot(...a).toFixed(5), '1.00000', 'l2Normalize: unit length');
    t.ok(compareFaces(a, a2, 0.8).distance < compareFaces(a, b, 0.8).distance, 'same person still closer than another');
  });

  t.test("the built-in 'mobilefacenet' embedder (evaluation only): 192-d unit-length templates under their own id", async (t) => {
    const engine = await loadEvaluationEngine('mobilefacenet', { pipelines: 1 });
    t.teardown(() => engine.close());
    t.equal(engine.runtime().embedderId, `mobilefacenet-${manifest.models.mobilefacenet.sha256.slice(0, 12)}`);
    t.equal(engine.runtime().models.embedder.sha256, manifest.models.mobilefacenet.sha256);
    const a = (await analyzeFace(engine, faceJpeg('personA'))).face!.embedding!;
    t.equal(a.length, 192);
    t.equal(Math.hypot(...a).toFixed(5), '1.00000', 'unit length, as the manifest asks');
    // A manifest written before MobileFaceNet existed names the missing model.
    const old = path.join(dir, 'old.json');
    const { mobilefacenet: _dropped, ...models } = manifest.models;
    writeFileSync(old, JSON.stringify({ ...manifest, models }));
    await t.rejects(loadEvaluationEngine('mobilefacenet', { manifest: old }), { code: 'ERR_MODEL', message: 'biometrics.embedder is "mobilefacenet" but the model manifest lacks it: run "npm run build:models"' });
  });

  t.test('wrong models and manifests fail at load with the file and the problem', async (t) => {
    await t.rejects(loadEngine({ manifest: path.join(dir, 'none.json') }), { code: 'ERR_MODEL', message: /none\.json is missing: run "npm run build:models"/ });
    const stale = path.join(dir, 'stale.json');
    writeFileSync(stale, JSON.stringify({ ...manifest, format: 'proofgate-models/0' }));
    await t.rejects(loadEngine({ manifest: stale }), { code: 'ERR_MODEL', message: /format is "proofgate-models\/0", expected "proofgate-models\/1"/ });
    const noDecoder = path.join(dir, 'no-decoder.json');
    const copy = JSON.parse(JSON.stringify(manifest));
    delete copy.models.blazeface.decoder;
    writeFileSync(noDecoder, JSON.stringify(copy));
    await t.rejects(loadEngine({ manifest: noDecoder }), { code: 'ERR_MODEL', message: /models\.blazeface\.decoder is not an object/ });
    await t.rejects(loadEngine({ matching: { threshold: 0.5 }, embedder: embedderSlot({ path: path.join(dir, 'absent.onnx') }) }), { code: 'ERR_MODEL', message: /biometrics embedder model .*absent\.onnx is missing$/ });
    // The embedder pinned to OpenCV: these are the native engine's own checks (ONNX Runtime's are in inference-equality.test.ts).
    const garbage = path.join(dir, 'garbage.onnx');
    writeFileSync(garbage, Buffer.from('this is not a protobuf'));
    await t.rejects(loadEngine({ matching: { threshold: 0.5 }, embedder: embedderSlot({ path: garbage }), inference: { embedder: 'opencv' } }), { code: 'ERR_MODEL', reason: 'ERR_MODEL_LOAD', message: /garbage\.onnx: OpenCV cannot read it as ONNX/ });
    await t.rejects(loadEngine({ matching: { threshold: 0.5 }, embedder: embedderSlot({ output: 'fc1' }), inference: { embedder: 'opencv' } }), { code: 'ERR_MODEL', reason: 'ERR_MODEL_LOAD', message: /face_recognition\.onnx: a test run failed/ });
    await t.rejects(loadEngine({ matching: { threshold: 0.5 }, embedder: embedderSlot({ outputDim: 512 }), inference: { embedder: 'opencv' } }), { code: 'ERR_MODEL', reason: 'ERR_MODEL_LOAD', message: /output descriptor holds 128 values, not 512/ });
    // The detector file in the embedder slot: its input is 256x256, and its first output is no descriptor.
    await t.rejects(loadEngine({ matching: { threshold: 0.5 }, embedder: embedderSlot({ path: path.join(modelsDir, 'blazeface.onnx'), output: 'logits_stride16' }), inference: { embedder: 'opencv' } }), { code: 'ERR_MODEL', reason: 'ERR_MODEL_LOAD' });
  });

  t.test('the admission queue fails fast when full', async (t) => {
    const engine = await loadEngine({ pipelines: 1, maxQueue: 0 });
    t.teardown(() => engine.close());
    const photo = faceJpeg('personC', { zoom: 2, width: 800, height: 800 });
    const results = await Promise.allSettled([analyzeFace(engine, photo), analyzeFace(engine, photo)]);
    t.equal(results[0].status, 'fulfilled');
    t.equal(results[1].status, 'rejected');
    t.match((results[1] as PromiseRejectedResult).reason, { code: 'ERR_BUSY', status: 503, message: 'the face engine is busy (1 running, 0 waiting)' });
    const queued = await loadEngine({ pipelines: 1, maxQueue: 4 });
    t.teardown(() => queued.close());
    const all = await Promise.all([1, 2, 3].map(() => analyzeFace(queued, photo)));
    t.ok(all.every((a) => a.face !== null), 'within the queue limit every analysis runs');
    t.ok(all[2].timings.queue > all[0].timings.queue, 'the third waited for the pipeline');
  });

  t.test('close() lets running analyses finish and refuses new ones', async (t) => {
    const engine = await loadEngine({ pipelines: 1 });
    const running = analyzeFace(engine, faceJpeg('personB'));
    engine.close();
    t.ok((await running).face, 'the analysis already queued natively finished');
    t.equal(engine.runtime().closed, true);
    await t.rejects(analyzeFace(engine, encodePng(noFacePicture(64, 64))), { name: 'FaceEngineError', code: 'ERR_INTERNAL', reason: 'ERR_ENGINE_CLOSED', message: 'the face engine is closed' });
    t.doesNotThrow(() => engine.close(), 'closing twice is harmless');
    t.equal(engine.runtime().closed, true);
  });

  t.test('too many OpenCV threads per pipeline is reported', async (t) => {
    const engine = await loadEngine({ pipelines: 3, threads: 64 });
    t.teardown(() => { engine.close(); nativeFace().setThreadCount(-1); });
    t.match(engine.runtime().warnings.join('\n'), /leaves fewer than 2 of 4 libuv threads/);
    t.match(engine.runtime().warnings.join('\n'), /oversubscribes/);
  });
}
