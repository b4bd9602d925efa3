// The passive PAD model slot through the real addon: tiny ONNX models made by the project's own writer
// (test/helpers/passive-pad-models.ts) are loaded, checked and run on crops of real PNG files.
import { createHash } from 'node:crypto';
import path from 'node:path';
import t, { type Test } from 'tap';
import { PassivePadModel } from '../../src/liveness/passive-pad-model.js';
import { encodePng } from '../helpers/face-images.js';
import { brightnessModelBytes, brightnessSlot, expectedLiveProbability, modelDir, writeModel } from '../helpers/passive-pad-models.js';

const SLOPE = 20;
const OFFSET = -10;
const MAX_PIXELS = 40_000_000;
/** The face box the recorded analyzer reports (test/helpers/recorded-face-analyzer.ts), inside a 256x256 picture. */
const BOX = { x: 10, y: 10, width: 220, height: 240 };

function greyPng(grey: number, width = 256, height = 256): Buffer {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([grey, grey, grey, 255], i);
  return encodePng({ width, height, data });
}

async function loadBrightness(t: Test, head: 'logits' | 'softmax' | 'sigmoid' = 'logits', overrides = {}) {
  const file = writeModel(modelDir(t), `${head}.onnx`, brightnessModelBytes({ head, slope: SLOPE, offset: OFFSET }));
  const model = await PassivePadModel.load(brightnessSlot(file, overrides), MAX_PIXELS);
  t.teardown(() => model.close());
  return { model, file };
}

t.test('a configured model loads and scores the face crop as its output mapping says', async (t) => {
  const { model, file } = await loadBrightness(t);
  t.match(model.info, { path: file, output: 'logits', kind: 'softmax', threshold: 0.5 });
  t.match(model.info.sha256, /^[0-9a-f]{64}$/);
  const bright = await model.score(greyPng(160), BOX);
  t.same(Object.keys(bright).sort(), ['name', 'outcome', 'reason', 'threshold', 'value']);
  t.match(bright, { name: 'passive-pad', threshold: 0.5, outcome: 'pass', reason: /^live probability 0\.9\d+ >= 0\.5$/ });
  t.ok(Math.abs(bright.value! - expectedLiveProbability(SLOPE, OFFSET, 160)) < 1e-4, `value ${bright.value}`);
  const dark = await model.score(greyPng(100), BOX);
  t.match(dark, { name: 'passive-pad', threshold: 0.5, outcome: 'fail', reason: /^live probability 0\.\d+ < 0\.5$/ });
  t.ok(Math.abs(dark.value! - expectedLiveProbability(SLOPE, OFFSET, 100)) < 1e-4, `value ${dark.value}`);
});

t.test('a crafted image flips the outcome at the threshold', async (t) => {
  // The threshold sits at grey 128's probability: one grey level either side lands on either side of it.
  const threshold = expectedLiveProbability(SLOPE, OFFSET, 128);
  const { model } = await loadBrightness(t, 'logits', { threshold });
  const below = await model.score(greyPng(127), BOX);
  const above = await model.score(greyPng(129), BOX);
  t.equal(below.outcome, 'fail', `${below.value} < ${threshold}`);
  t.equal(above.outcome, 'pass', `${above.value} >= ${threshold}`);
  t.ok(below.value! < threshold && above.value! > threshold);
});

t.test('softmax logits, a model that ends in Softmax (score) and a sigmoid logit give the same live probability', async (t) => {
  const expected = expectedLiveProbability(SLOPE, OFFSET, 140);
  const heads = [
    await loadBrightness(t, 'logits'),
    await loadBrightness(t, 'softmax', { output: { name: null, size: 2, kind: 'score', liveIndex: 1 } }),
    await loadBrightness(t, 'sigmoid', { output: { name: null, size: 1, kind: 'sigmoid', liveIndex: 0 } }),
  ];
  for (const { model } of heads) {
    const r = await model.score(greyPng(140), BOX);
    t.ok(Math.abs(r.value! - expected) < 1e-4, `${model.info.kind}: ${r.value} ~ ${expected}`);
  }
  t.match((await heads[1].model.score(greyPng(140), BOX)).reason, /^live score /, "'score' says it is the model's own score");
});

t.test('the crop is centred on the face box, scaled, and black outside the picture', async (t) => {
  const { model } = await loadBrightness(t, 'logits', { crop: { scale: 2, square: true } });
  // A 32x32 box in the corner, crop scale 2: a 64x64 crop starting at (-16, -16), of which 48x48 lies in
  // the picture: on the 8x8 input that is 6x6 of 64 cells at grey 200, the rest black.
  const r = await model.score(greyPng(200, 64, 64), { x: 0, y: 0, width: 32, height: 32 });
  const expected = 1 / (1 + Math.exp(-(SLOPE * (36 / 64) * (200 / 255) + OFFSET)));
  t.ok(Math.abs(r.value! - expected) < 1e-3, `corner crop ${r.value} ~ ${expected}`);
  const centred = await model.score(greyPng(200, 64, 64), { x: 16, y: 16, width: 32, height: 32 });
  t.ok(Math.abs(centred.value! - expectedLiveProbability(SLOPE, OFFSET, 200)) < 1e-4, 'a crop inside the picture sees only the picture');
});

t.test('the configured sha256 is checked against the file before it is used', async (t) => {
  const dir = modelDir(t);
  const bytes = brightnessModelBytes({ head: 'logits', slope: SLOPE, offset: OFFSET });
  const file = writeModel(dir, 'pinned.onnx', bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const model = await PassivePadModel.load(brightnessSlot(file, { sha256 }), MAX_PIXELS);
  t.equal(model.info.sha256, sha256);
  model.close();
  const other = '0'.repeat(64);
  await t.rejects(PassivePadModel.load(brightnessSlot(file, { sha256: other }), MAX_PIXELS), {
    code: 'ERR_MODEL', message: `liveness.passive model ${file} has sha256 ${sha256}, not the configured liveness.passive.sha256 ${other}`,
  });
});

t.test('a broken model refuses to load with ERR_MODEL naming the file and the problem', async (t) => {
  const dir = modelDir(t);
  const missing = path.join(dir, 'nope.onnx');
  await t.rejects(PassivePadModel.load(brightnessSlot(missing), MAX_PIXELS), { code: 'ERR_MODEL', message: `liveness.passive model ${missing} is missing or unreadable (ENOENT)` });
  const empty = writeModel(dir, 'empty.onnx', new Uint8Array(0));
  await t.rejects(PassivePadModel.load(brightnessSlot(empty), MAX_PIXELS), { code: 'ERR_MODEL', message: `liveness.passive model ${empty} is empty` });
  const garbage = writeModel(dir, 'garbage.onnx', Buffer.from('this is not a protobuf, let alone an ONNX graph'));
  await t.rejects(PassivePadModel.load(brightnessSlot(garbage), MAX_PIXELS), { code: 'ERR_MODEL', message: new RegExp(`passive PAD model ${garbage}: `) });
  // Three classes where the slot says two: the output shape is wrong.
  const three = writeModel(dir, 'three.onnx', brightnessModelBytes({ head: 'logits', slope: SLOPE, offset: OFFSET, classes: 3 }));
  await t.rejects(PassivePadModel.load(brightnessSlot(three), MAX_PIXELS), { code: 'ERR_MODEL', message: new RegExp(`passive PAD model ${three}: output logits holds 3 values, not 2$`) });
  const good = writeModel(dir, 'good.onnx', brightnessModelBytes({ head: 'logits', slope: SLOPE, offset: OFFSET }));
  await t.rejects(PassivePadModel.load(brightnessSlot(good, { output: { name: 'live_probability', size: 2, kind: 'softmax', liveIndex: 1 } }), MAX_PIXELS), {
    code: 'ERR_MODEL', message: /it has no output named live_probability \(outputs: logits\)/,
  });
  // The model's input is 8x8: a slot that says 16x16 fails the dry run instead of the first selfie.
  await t.rejects(PassivePadModel.load(brightnessSlot(good, { inputSize: { width: 16, height: 16 } }), MAX_PIXELS), {
    code: 'ERR_MODEL', message: /a test run on a 16x16 input failed/,
  });
});

t.test('an unreadable selfie is an image error; a closed model refuses to score', async (t) => {
  const { model } = await loadBrightness(t);
  await t.rejects(model.score(Buffer.from('not an image'), BOX), { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
  await t.rejects(model.score(greyPng(100), { x: 0, y: 0, width: 0, height: 10 }), { code: 'ERR_INTERNAL', message: /the face box is not a box/ });
  model.close();
  await t.rejects(model.score(greyPng(100), BOX), { code: 'ERR_INTERNAL', message: 'the passive PAD model is closed' });
});
