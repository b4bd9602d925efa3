// The "biometrics" configuration section: documented defaults, pluggable model slots, and messages
// that name the key for every mistake.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { BUILT_IN_THRESHOLDS, biometricsDefaults } from '../../src/config/sections/biometrics.js';

const arcface = {
  path: '/opt/models/arcface-r50.onnx',
  input: { width: 112, height: 112, mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5], channelOrder: 'rgb' },
  output: 'fc1',
  outputDim: 512,
  alignment: 'arcface',
  l2Normalize: true,
};

t.test('defaults', async (t) => {
  const b = buildConfig({}).biometrics;
  t.equal(b.manifest, 'models/manifest.json');
  t.same([b.detector, b.landmarker, b.embedder], [null, null, 'dlib-resnet'], 'model slots come from the manifest; dlib is the embedder');
  t.same(b.matching, { threshold: 0.48, scoreMidpoint: 0.6, scoreSteepness: 12, allowLooserThanCalibrated: false }, 'the threshold is dlib\'s calibrated one');
  t.equal(buildConfig({ biometrics: { matching: { threshold: 0.3 } } }).biometrics.matching.threshold, 0.3, 'a tighter configured threshold wins');
  t.same(b.detection, { minScore: 0.5, iouThreshold: 0.3, maxFaces: 10, tightCropPadding: 0.5 });
  t.equal(b.backend, 'auto');
  t.equal(b.maxPixels, 40_000_000);
  t.equal(b.pipelines, biometricsDefaults.pipelines);
});

t.test('the embedder is a built-in name or a slot; a custom slot needs its own threshold', async (t) => {
  t.throws(() => buildConfig({ biometrics: { embedder: 'arcface' } }), { code: 'ERR_CONFIG', message: `config config.biometrics.embedder: expected 'dlib-resnet', or an embedder slot object, received "arcface"` });
  t.throws(() => buildConfig({ biometrics: { embedder: 42 } }), { code: 'ERR_CONFIG', message: /^config config\.biometrics\.embedder: / });
  t.throws(() => buildConfig({ biometrics: { embedder: arcface } }), { code: 'ERR_CONFIG', message: /config config\.biometrics\.matching\.threshold: expected a number: a custom embedder has no calibrated threshold/ });
});

t.test('an earlier configuration: embedder null (the old default) still means dlib', async (t) => {
  const b = buildConfig({ biometrics: { embedder: null } }).biometrics;
  t.equal(b.embedder, 'dlib-resnet');
  t.equal(b.matching.threshold, BUILT_IN_THRESHOLDS['dlib-resnet']);
});

t.test('MobileFaceNet is refused for verification, with the key and the reason', async (t) => {
  t.throws(() => buildConfig({ biometrics: { embedder: 'mobilefacenet' } }), {
    code: 'ERR_CONFIG',
    message: /^config config\.biometrics\.embedder: expected a built-in embedder fit for verification \('dlib-resnet'\) or an embedder slot object: MobileFaceNet does not separate faces on the development data \(EER 43\.5%.*evaluation only.*received "mobilefacenet"$/,
  });
  t.throws(() => buildConfig({ biometrics: { embedder: 'mobilefacenet', matching: { threshold: 0.3 } } }), { code: 'ERR_CONFIG' }, 'a threshold does not make it fit');
});

t.test('a threshold looser than the calibrated one is refused unless acknowledged', async (t) => {
  const calibrated = BUILT_IN_THRESHOLDS['dlib-resnet'];
  t.throws(() => buildConfig({ biometrics: { matching: { threshold: 0.57 } } }), {
    code: 'ERR_CONFIG',
    message: `config config.biometrics.matching.threshold: expected a number <= ${calibrated}, the calibrated threshold of 'dlib-resnet' (a larger one admits more impostors than it aims at; set config.biometrics.matching.allowLooserThanCalibrated: true to accept that), received 0.57`,
  }, "an old configuration's 0.57 does not pass silently");
  t.equal(buildConfig({ biometrics: { matching: { threshold: calibrated } } }).biometrics.matching.threshold, calibrated, 'the calibrated value itself is accepted');
  const loose = buildConfig({ biometrics: { matching: { threshold: 0.57, allowLooserThanCalibrated: true } } }).biometrics.matching;
  t.same([loose.threshold, loose.allowLooserThanCalibrated], [0.57, true], 'accepted with the acknowledgement');
  t.throws(() => buildConfig({ biometrics: { matching: { allowLooserThanCalibrated: 'yes' } } }), { code: 'ERR_CONFIG', message: /config\.biometrics\.matching\.allowLooserThanCalibrated/ });
  t.equal(buildConfig({ biometrics: { embedder: arcface, matching: { threshold: 1.1 } } }).biometrics.matching.threshold, 1.1, 'a custom slot has no calibrated value to compare with');
});

t.test('a licensed ArcFace-class embedder plugs into the embedder slot', async (t) => {
  const b = buildConfig({ biometrics: { embedder: arcface, matching: { threshold: 1.1 } } }).biometrics;
  t.same(b.embedder, arcface);
  t.equal(b.matching.threshold, 1.1);
  t.equal(b.matching.scoreSteepness, 12, 'other matching keys keep their defaults');
  const custom = { ...arcface, alignment: { meshPoints: [[33], [263], [1]], template: [[30, 50], [80, 50], [56, 75]] } };
  t.same((buildConfig({ biometrics: { embedder: custom, matching: { threshold: 1.1 } } }).biometrics.embedder as typeof custom).alignment, custom.alignment, 'explicit alignment points');
});

t.test('mistakes are rejected with the key named', async (t) => {
  const fails = (biometrics: unknown, message: string | RegExp) =>
    t.throws(() => buildConfig({ biometrics }), { code: 'ERR_CONFIG', message }, String(message));
  fails({ treshold: 0.5 }, 'config config.biometrics.treshold: expected no such key (misspelled?), received 0.5');
  fails({ backend: 'cuda' }, 'config config.biometrics.backend: expected one of auto, cpu, opencl, received "cuda"');
  fails({ maxPixels: 10 }, /config\.biometrics\.maxPixels: expected an integer in 4096\.\.400000000, received 10/);
  fails({ detection: { minScore: 1.5 } }, /config\.biometrics\.detection\.minScore: expected a number in 0\.01\.\.0\.99, received 1\.5/);
  fails({ landmarks: { refine: 'yes' } }, 'config config.biometrics.landmarks.refine: expected true or false, received "yes"');
  fails({ landmarks: { refineMinChange: -0.1 } }, /config\.biometrics\.landmarks\.refineMinChange: expected a number in 0\.\.10, received -0\.1/);
  fails({ embedder: { ...arcface, input: { ...arcface.input, std: [1, 0, 1] } } }, /config\.biometrics\.embedder\.input\.std: expected an array of 3 positive numbers/);
  fails({ embedder: { ...arcface, input: { ...arcface.input, channelOrder: 'rgba' } } }, /embedder\.input\.channelOrder: expected one of rgb, bgr/);
  fails({ embedder: { ...arcface, alignment: 'mtcnn' } }, /config\.biometrics\.embedder\.alignment: expected 'dlib', 'arcface' or/);
  fails({ embedder: { ...arcface, alignment: { meshPoints: [[33], [263]], template: [[1, 2]] } } }, /embedder\.alignment: expected/);
  fails({ embedder: { ...arcface, alignment: { meshPoints: [[33], [999]], template: [[1, 2], [3, 4]] } } }, /vertices 0\.\.467/);
  fails({ embedder: { ...arcface, extra: 1 } }, 'config config.biometrics.embedder.extra: expected no such key (misspelled?), received 1');
  fails({ detector: { path: 'x.onnx', input: arcface.input, scoreOutputs: ['a'], regressorOutputs: ['b', 'c'], anchorStrides: [8], anchorsPerCell: [2], keypoints: 6, rightEyeKeypoint: 0, leftEyeKeypoint: 1 } },
    /config\.biometrics\.detector\.regressorOutputs: expected as many outputs as scoreOutputs \(1\)/);
  fails({ detector: { path: 'x.onnx', input: arcface.input, scoreOutputs: ['a'], regressorOutputs: ['b'], anchorStrides: [8], anchorsPerCell: [2], keypoints: 6, rightEyeKeypoint: 0, leftEyeKeypoint: 6 } },
    /detector\.leftEyeKeypoint: expected a keypoint number below keypoints \(6\)/);
});
