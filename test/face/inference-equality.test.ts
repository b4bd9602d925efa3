// The two inference engines give the same answers: each model file run on OpenCV dnn and on ONNX
// Runtime with the same fixed input agrees to float rounding, and the whole pipeline with the embedder
// on either engine gives the same detections, mesh and templates. Also: biometrics.inference's
// choices, start-up failures of a model ONNX Runtime cannot run, the admission slot held through an
// embedding run outside the native pipeline, and close().
import path from 'node:path';
import t from 'tap';
import { analyzeFace, type FaceAnalysis } from '../../src/biometrics/analyze-face.js';
import { engineInternals } from '../../src/biometrics/face-engine.js';
import { buildConfig } from '../../src/config/index.js';
import { readModelManifest } from '../../src/biometrics/model-manifest.js';
import type { ModelRunner } from '../../src/biometrics/model-runner.js';
import { openOnnxRuntimeRunner } from '../../src/biometrics/onnxruntime-runner.js';
import { openOpenCvRunner } from '../../src/biometrics/opencv-runner.js';
import { loadEngine, missingModels, modelsDir } from '../helpers/face-engine-fixture.js';
import { noFacePicture, encodePng } from '../helpers/face-images.js';
import { faceJpeg, type DemoFace } from '../helpers/face-photos.js';

/**
 * Float32 arithmetic in a different order (ORT fuses and reorders differently from OpenCV) moves each
 * output by a few ulps of the largest values in the net: measured 2e-7 relative on the detector and
 * mesh (1e-4 on mesh coordinates up to 192 px) and 3e-7 absolute on dlib descriptors. 1e-5 relative
 * is 50x that and still 4 orders below anything a decision sees (the match threshold is 0.48 in
 * Euclidean distance; detection scores are compared at 0.5).
 */
const RELATIVE_TOLERANCE = 1e-5;
/** Template distance between the engines on the same chip: measured under 1e-6; the match threshold is 0.48. */
const TEMPLATE_TOLERANCE = 1e-5;
/**
 * With the detector on ONNX Runtime too, its 1e-5 px box differences move the mesh crop, so the mesh
 * (up to 0.02 px measured) and the resampled chip move a little: templates measured up to 4.5e-3 apart
 * on the photos below (cosine > 0.99999). 0.01 is 48x below the match threshold.
 */
const PIPELINE_TEMPLATE_TOLERANCE = 0.01;
const PIPELINE_MESH_TOLERANCE_PX = 0.1;
const BOX_TOLERANCE_PX = 1e-3;
const SCORE_TOLERANCE = 1e-5;

function fixedInput(shape: readonly number[], seed: number): Float32Array {
  const x = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s / 2 ** 32) * 2 - 1; // the [-1, 1] range the models' normalisations produce
  }
  return x;
}

function maxAbs(v: Float32Array): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

function euclidean(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

const missing = missingModels();
if (missing) t.fail(missing);
else registerTests();

function registerTests(): void {
  const manifest = readModelManifest(path.join(modelsDir, 'manifest.json'));
  const dlib = manifest.embedders['dlib-resnet']!.slot;
  const models = [
    { slot: 'detector', path: manifest.detector.path, shape: [1, 3, manifest.detector.input.height, manifest.detector.input.width], outputs: [...manifest.detector.scoreOutputs, ...manifest.detector.regressorOutputs], fuse: true },
    { slot: 'landmarker', path: manifest.landmarker.path, shape: [1, 3, manifest.landmarker.input.height, manifest.landmarker.input.width], outputs: [manifest.landmarker.meshOutput, manifest.landmarker.scoreOutput], fuse: true },
    { slot: 'embedder', path: dlib.path, shape: [1, 3, dlib.input.height, dlib.input.width], outputs: [dlib.output], fuse: false },
  ];

  t.test('each model gives the same outputs on OpenCV and ONNX Runtime', async (t) => {
    for (const m of models) {
      const opencv = await openOpenCvRunner({ path: m.path, threads: 0, fuse: m.fuse });
      const ort = await openOnnxRuntimeRunner({ path: m.path, threads: 0, fuse: m.fuse });
      t.teardown(() => Promise.all([opencv.close(), ort.close()]));
      t.equal(opencv.engine, 'opencv');
      t.equal(ort.engine, 'onnxruntime');
      for (const seed of [1, 2]) {
        const input = fixedInput(m.shape, seed);
        const [a, b] = [await opencv.run(input, m.shape, m.outputs), await ort.run(input, m.shape, m.outputs)];
        m.outputs.forEach((name, i) => {
          t.equal(b[i].length, a[i].length, `${m.slot} ${name}: same size`);
          const bound = RELATIVE_TOLERANCE * Math.max(1, maxAbs(a[i]));
          const diff = maxAbsDiff(a[i], b[i]);
          t.ok(diff <= bound, `${m.slot} ${name} seed ${seed}: max |OpenCV - ORT| ${diff.toExponential(2)} <= ${bound.toExponential(2)}`);
        });
      }
    }
  });

  t.test('runners refuse bad input and runs after close, on both engines', async (t) => {
    const m = models[2];
    for (const open of [openOpenCvRunner, openOnnxRuntimeRunner]) {
      const runner = await open({ path: m.path, threads: 1, fuse: m.fuse });
      const input = fixedInput(m.shape, 3);
      await t.rejects(runner.run(input, [1, 3, 150, 149], m.outputs), {
        code: 'ERR_INTERNAL', message: `model ${m.path}: an input of 67500 values for shape [1,3,150,149]`,
      }, `${runner.engine}: a shape that does not match the data`);
      await t.rejects(runner.run(input, m.shape, ['no_such_output']), { code: 'ERR_MODEL', message: /no output named no_such_output/ }, `${runner.engine}: an unknown output`);
      await runner.close();
      await t.rejects(runner.run(input, m.shape, m.outputs), { code: 'ERR_INTERNAL', message: /closed/ }, `${runner.engine}: a run after close`);
      await t.resolves(runner.close(), `${runner.engine}: closing twice is harmless`);
    }
    await t.rejects(openOnnxRuntimeRunner({ path: path.join(modelsDir, 'absent.onnx'), threads: 1, fuse: false }), { code: 'ERR_MODEL', message: /absent\.onnx: ONNX Runtime cannot load it/ });
    await t.rejects(openOpenCvRunner({ path: path.join(modelsDir, 'manifest.json'), threads: 1, fuse: false }), { code: 'ERR_MODEL', message: /manifest\.json: OpenCV cannot read it as ONNX/ });
  });

  const photos: [string, Buffer][] = [];
  for (const who of ['personA', 'personB', 'personC'] as DemoFace[]) {
    photos.push(
      [`${who} close`, faceJpeg(who, { zoom: 1.3 })],
      [`${who} wide, 800 px`, faceJpeg(who, { zoom: 2, width: 800, height: 800 })],
      [`${who} filling 100 px`, faceJpeg(who, { zoom: 0.6, width: 100, height: 100 })],
    );
  }

  t.test('the pipeline with the embedder on either engine gives the same faces and templates', async (t) => {
    const opencv = await loadEngine({ inference: { detector: 'opencv', embedder: 'opencv' } });
    const ort = await loadEngine({ inference: { detector: 'opencv', embedder: 'onnxruntime' } });
    t.teardown(() => Promise.all([opencv.close(), ort.close()]));
    t.same(opencv.runtime().inference, { detector: 'opencv', landmarker: 'opencv', embedder: 'opencv' });
    t.same(ort.runtime().inference, { detector: 'opencv', landmarker: 'opencv', embedder: 'onnxruntime' });
    t.equal(ort.runtime().embedderId, opencv.runtime().embedderId, 'templates of either engine compare with each other');
    for (const [label, photo] of photos) {
      const [a, b]: FaceAnalysis[] = [await analyzeFace(opencv, photo), await analyzeFace(ort, photo)];
      t.same(b.detections, a.detections, `${label}: same detections`);
      t.same(Array.from(b.face!.landmarks468), Array.from(a.face!.landmarks468), `${label}: same mesh`);
      t.same(b.face!.quality, a.face!.quality, `${label}: same quality`);
      const d = euclidean(a.face!.embedding!, b.face!.embedding!);
      t.ok(d <= TEMPLATE_TOLERANCE, `${label}: template distance between engines ${d.toExponential(2)} <= ${TEMPLATE_TOLERANCE}`);
      t.ok(b.timings.embed > 0 && b.timings.native >= b.timings.embed, `${label}: the ORT embedding is timed and counted in the pipeline`);
    }
    const none = await analyzeFace(ort, encodePng(noFacePicture()));
    t.equal(none.face, null, 'no face: nothing to embed');
    const noEmbedding = await analyzeFace(ort, photos[0][1], { embedding: false });
    t.equal(noEmbedding.face!.embedding, null, 'embedding: false skips the embedder');
  });

  t.test("'auto' (detector and embedder on ONNX Runtime) finds the same faces and templates as OpenCV", async (t) => {
    const opencv = await loadEngine({ inference: { detector: 'opencv', embedder: 'opencv' } });
    const auto = await loadEngine();
    t.teardown(() => Promise.all([opencv.close(), auto.close()]));
    t.same(auto.runtime().inference, { detector: 'onnxruntime', landmarker: 'opencv', embedder: 'onnxruntime' });
    t.same(auto.runtime().warnings, []);
    for (const [label, photo] of photos) {
      const [a, b]: FaceAnalysis[] = [await analyzeFace(opencv, photo), await analyzeFace(auto, photo)];
      t.equal(b.detections.length, a.detections.length, `${label}: as many faces`);
      a.detections.forEach((d, i) => {
        const e = b.detections[i];
        const boxDiff = Math.max(...(['x', 'y', 'width', 'height'] as const).map((k) => Math.abs(d.box[k] - e.box[k])), ...d.keypoints.flatMap((p, j) => [Math.abs(p[0] - e.keypoints[j][0]), Math.abs(p[1] - e.keypoints[j][1])]));
        t.ok(boxDiff <= BOX_TOLERANCE_PX && Math.abs(d.score - e.score) <= SCORE_TOLERANCE, `${label} face ${i}: box and keypoints within ${boxDiff.toExponential(1)} px, score within ${Math.abs(d.score - e.score).toExponential(1)}`);
      });
      t.equal(b.face!.foundOnPaddedImage, a.face!.foundOnPaddedImage, `${label}: same pass found it`);
      const mesh = maxAbsDiff(a.face!.landmarks468, b.face!.landmarks468);
      t.ok(mesh <= PIPELINE_MESH_TOLERANCE_PX, `${label}: mesh within ${mesh.toExponential(1)} px`);
      const [d, c] = [euclidean(a.face!.embedding!, b.face!.embedding!), cosine(a.face!.embedding!, b.face!.embedding!)];
      t.ok(d <= PIPELINE_TEMPLATE_TOLERANCE && c >= 0.9999, `${label}: templates ${d.toExponential(1)} apart, cosine ${c.toFixed(7)}`);
    }
    t.ok(photos.some(([, p]) => p.length > 0), 'photos');
  });

  t.test('biometrics.inference is validated with the key named', async (t) => {
    t.throws(() => buildConfig({ biometrics: { inference: { embedder: 'tensorrt' } } }), {
      code: 'ERR_CONFIG', message: 'config config.biometrics.inference.embedder: expected one of auto, opencv, onnxruntime, received "tensorrt"',
    });
    t.throws(() => buildConfig({ biometrics: { inference: { detector: 'gpu' } } }), {
      code: 'ERR_CONFIG', message: 'config config.biometrics.inference.detector: expected one of auto, opencv, onnxruntime, received "gpu"',
    });
    t.throws(() => buildConfig({ biometrics: { inference: { landmarker: 'onnxruntime' } } }), { code: 'ERR_CONFIG', message: /biometrics\.inference\.landmarker: expected no such key/ });
    t.same(buildConfig({}).biometrics.inference, { detector: 'auto', embedder: 'auto' });
  });

  t.test('a model ONNX Runtime cannot run fails start-up with ERR_MODEL, whatever the choice', async (t) => {
    const notOnnx = path.join(modelsDir, 'manifest.json');
    const slot = { path: notOnnx, input: dlib.input, output: 'descriptor', outputDim: 128, alignment: 'dlib', l2Normalize: false };
    for (const choice of ['auto', 'onnxruntime']) {
      await t.rejects(loadEngine({ embedder: slot, matching: { threshold: 0.4 }, inference: { embedder: choice } }), {
        code: 'ERR_MODEL', message: new RegExp(`^model ${notOnnx.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ONNX Runtime cannot load it: `),
      }, choice);
    }
    await t.rejects(loadEngine({ embedder: { ...slot, path: dlib.path, output: 'no_such_output' }, matching: { threshold: 0.4 } }), {
      code: 'ERR_MODEL', message: `biometrics embedder model ${dlib.path} on onnxruntime: a test run failed: model ${dlib.path}: has no output named no_such_output`,
    });
    await t.rejects(loadEngine({ embedder: { ...slot, path: dlib.path, outputDim: 512 }, matching: { threshold: 0.4 } }), {
      code: 'ERR_MODEL', message: `biometrics embedder model ${dlib.path} on onnxruntime: output descriptor holds 128 values, not 512`,
    });
    const notADetector = { ...manifest.detector, path: notOnnx };
    await t.rejects(loadEngine({ detector: notADetector }), { code: 'ERR_MODEL', message: /manifest\.json: ONNX Runtime cannot load it: / });
    const swapped = { ...manifest.detector, scoreOutputs: manifest.detector.regressorOutputs, regressorOutputs: manifest.detector.scoreOutputs };
    await t.rejects(loadEngine({ detector: swapped }), {
      code: 'ERR_MODEL', message: `biometrics detector model ${manifest.detector.path} on onnxruntime: output regressors_stride16 holds 8192 values, not 512`,
    });
    // The detector file in the embedder slot: ORT refuses the 150x150 input a 256x256 model cannot take.
    await t.rejects(loadEngine({ embedder: { ...slot, path: manifest.detector.path, output: 'logits_stride16' }, matching: { threshold: 0.4 } }), {
      code: 'ERR_MODEL', message: /^biometrics embedder model .*blazeface\.onnx on onnxruntime: a test run failed: .*ONNX Runtime failed to run it: .*Got: 150 Expected: 256/s,
    });
  });

  t.test('an embedding outside the native pipeline keeps its admission slot', async (t) => {
    const engine = await loadEngine({ pipelines: 1, maxQueue: 8 });
    t.teardown(() => engine.close());
    const internals = engine[engineInternals];
    const runner = internals.embedderRunner as ModelRunner;
    const seen: number[] = [];
    const run = runner.run.bind(runner);
    (runner as { run: ModelRunner['run'] }).run = (...args) => {
      seen.push(internals.queue.active);
      return run(...args);
    };
    const photos = (['personA', 'personB', 'personC', 'personA'] as DemoFace[]).map((who) => faceJpeg(who, { zoom: 1.4 }));
    const results = await Promise.all(photos.map((p) => analyzeFace(engine, p)));
    t.ok(results.every((r) => r.face?.embedding?.length === 128));
    t.same(seen, [1, 1, 1, 1], 'each embedding ran while its analysis held the one slot');
    t.equal(results.filter((r) => r.timings.queue > 1).length >= 1, true, 'later analyses waited in the queue');
  });

  t.test('concurrent analyses sharing the ONNX Runtime sessions give the answers of sequential ones', async (t) => {
    const engine = await loadEngine({ pipelines: 2, maxQueue: 16 });
    t.teardown(() => engine.close());
    const batch = photos.slice(0, 6).map(([, p]) => p);
    const sequential: FaceAnalysis[] = [];
    for (const p of batch) sequential.push(await analyzeFace(engine, p));
    const concurrent = await Promise.all([...batch, ...batch].map((p) => analyzeFace(engine, p)));
    concurrent.forEach((c, i) => {
      const s = sequential[i % batch.length];
      t.same(c.detections, s.detections, `photo ${i % batch.length}: same detections`);
      t.same(Array.from(c.face!.embedding!), Array.from(s.face!.embedding!), `photo ${i % batch.length}: same template`);
    });
  });

  t.test('close() releases the ONNX Runtime session after running analyses finish', async (t) => {
    const engine = await loadEngine({ inference: { embedder: 'onnxruntime' } });
    const running = analyzeFace(engine, faceJpeg('personB', { zoom: 1.4 }));
    await new Promise((resolve) => setImmediate(resolve));
    const closing = engine.close();
    const result = await running.catch((err: Error) => err);
    await closing;
    if (result instanceof Error) t.match(result, { code: /ERR_INTERNAL|ERR_MODEL/ }, 'a run caught by the close fails cleanly');
    else t.equal(result.face?.embedding?.length, 128, 'the analysis in flight finished');
    await t.rejects(analyzeFace(engine, faceJpeg('personB')), { code: 'ERR_INTERNAL' });
    await t.resolves(engine.close(), 'closing twice is harmless');
  });
}
