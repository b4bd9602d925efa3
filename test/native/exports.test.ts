// The production addon's boundary: it exports only product operations (the synthetic-input
// generators live in the test addon), and its argument readers require every key, refusing a missing
// or mistyped one on the main thread with a TypeError coded ERR_NATIVE_ARGUMENT that names the key.
import t from 'tap';
import { createRequire } from 'node:module';
import { addonPath } from '../../src/native/addon.js';
import { testAddon } from '../helpers/native-test-addon.js';

const require = createRequire(import.meta.url);
const addon = require(addonPath) as Record<string, (...args: unknown[]) => unknown>;

const PRODUCT_EXPORTS = [
  'dnnNetClose', 'dnnNetLoad', 'dnnNetRun',
  'documentDecodePdf417', 'documentLoadGlyphTemplates', 'documentMeasure', 'documentReadMrz',
  'faceAnalyze', 'faceEngineClose', 'faceEngineInfo', 'faceEngineLoad', 'imageProbe', 'imageThumbnail',
  'livenessDepthChecks', 'livenessTrackTexture', 'passivePadClose', 'passivePadLoad', 'passivePadScore',
  'pcscCancel', 'pcscConnect', 'pcscDisconnect', 'pcscEstablishContext', 'pcscGetStatusChange', 'pcscListReaders', 'pcscReleaseContext', 'pcscTransmit',
  'runOnnxModel', 'runtimeInfo', 'setThreadCount',
  'templateIndexAdd', 'templateIndexCreate', 'templateIndexInfo', 'templateIndexRemove', 'templateIndexSearch', 'trimMalloc',
  'v4l2CaptureFrames', 'v4l2ProbeDevice', 'v4l2YuyvToJpeg',
];

t.test('the production addon exports the product operations and nothing test-only', async (t) => {
  t.same(Object.keys(addon).sort(), PRODUCT_EXPORTS);
  t.notOk(Object.keys(addon).some((name) => /ForTests|renderCard|encodePdf417/i.test(name)), 'no generator or encoder');
});

t.test('the test addon carries the generators', async (t) => {
  t.same(Object.keys(testAddon()).sort(), ['encodePdf417', 'renderCard']);
});

const measureOptions = { maxPixels: 40_000_000, rectifiedWidth: 1000, saturationLevel: 250, minGlareBlobFraction: 0.0005, darkLevel: 90, minOutlineAreaFraction: 0.12, regions: [] };
const image = Buffer.from('not decoded: the arguments are refused first');

t.test('a missing key is refused with ERR_NATIVE_ARGUMENT naming it', async (t) => {
  for (const key of Object.keys(measureOptions)) {
    const { [key]: _dropped, ...partial } = measureOptions as Record<string, unknown>;
    t.throws(() => addon.documentMeasure(image, partial), { name: 'TypeError', code: 'ERR_NATIVE_ARGUMENT', message: `documentMeasure options.${key} is missing` }, key);
  }
  t.throws(() => addon.imageProbe(image, {}), { code: 'ERR_NATIVE_ARGUMENT', message: 'imageProbe options.maxPixels is missing' });
  t.throws(() => addon.documentDecodePdf417(image, {}), { code: 'ERR_NATIVE_ARGUMENT', message: 'documentDecodePdf417 options.maxPixels is missing' });
});

t.test('a wrongly typed key or argument is refused the same way', async (t) => {
  t.throws(() => addon.documentMeasure(image, { ...measureOptions, darkLevel: '90' }), { code: 'ERR_NATIVE_ARGUMENT', message: 'documentMeasure options.darkLevel must be a number' });
  t.throws(() => addon.documentMeasure(image, { ...measureOptions, rectifiedWidth: 999.5 }), { code: 'ERR_NATIVE_ARGUMENT', message: 'documentMeasure options.rectifiedWidth must be an integer' });
  t.throws(() => addon.documentMeasure(image, { ...measureOptions, regions: [{ name: 'photo', x: 0, y: 0, width: 1 }] }), {
    code: 'ERR_NATIVE_ARGUMENT', message: 'documentMeasure options.regions[0].height is missing',
  });
  t.throws(() => addon.documentMeasure('not a buffer', measureOptions), { code: 'ERR_NATIVE_ARGUMENT', message: 'documentMeasure: argument 0 must be a Buffer' });
  t.throws(() => addon.documentMeasure(image), { code: 'ERR_NATIVE_ARGUMENT', message: 'documentMeasure: expected 2 arguments, received 1' });
  t.throws(() => addon.documentReadMrz({}, image, {}), { code: 'ERR_NATIVE_ARGUMENT', message: 'not a glyph-template handle from documentLoadGlyphTemplates' });
  t.throws(() => addon.faceAnalyze({}, image, {}, null), { code: 'ERR_NATIVE_ARGUMENT', message: 'not a face engine handle' });
  t.throws(() => addon.passivePadScore({}, image, {}), { code: 'ERR_NATIVE_ARGUMENT', message: 'not a passive PAD model handle' });
  t.throws(() => addon.passivePadClose({}), { code: 'ERR_NATIVE_ARGUMENT', message: 'not a passive PAD model handle' });
  t.throws(() => addon.passivePadLoad(image, { label: 'x' }), { code: 'ERR_NATIVE_ARGUMENT', message: 'passivePadLoad spec.input is missing' });
  t.throws(() => addon.dnnNetRun({}, [], ['out']), { code: 'ERR_NATIVE_ARGUMENT', message: 'not an OpenCV net handle from dnnNetLoad' });
  t.throws(() => addon.dnnNetClose({}), { code: 'ERR_NATIVE_ARGUMENT', message: 'not an OpenCV net handle from dnnNetLoad' });
  t.throws(() => addon.dnnNetLoad('model.onnx', {}), { code: 'ERR_NATIVE_ARGUMENT', message: 'dnnNetLoad options.fuse is missing' });
});

t.test('liveness: every frame key is required, null being the explicit "none"', async (t) => {
  const frame = {
    depth: Buffer.alloc(4 * 4 * 2), depthPng: null, ir: null, irBits: null, irPng: null, width: 4, height: 4, depthUnitMm: 1,
    fx: 500, fy: 500, cx: 2, cy: 2, landmarks: new Float32Array(468 * 3), landmarkStride: 3,
  };
  const { irPng: _irPng, ...withoutIrPng } = frame;
  t.throws(() => addon.livenessDepthChecks(withoutIrPng, {}), { code: 'ERR_NATIVE_ARGUMENT', message: 'livenessDepthChecks frame.irPng is missing' });
  t.throws(() => addon.livenessDepthChecks(frame, {}), { code: 'ERR_NATIVE_ARGUMENT', message: 'livenessDepthChecks options.roles is missing' });
});
