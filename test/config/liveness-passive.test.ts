// liveness.passive: empty by default; a slot object is read strictly, every refusal naming its key.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';

const slot = {
  path: 'models/pad.onnx', inputSize: { width: 80, height: 80 }, crop: { scale: 2.7, square: true },
  normalisation: { mean: [0, 0, 0], std: [1, 1, 1], colourOrder: 'bgr', layout: 'nchw' },
  output: { size: 3, kind: 'softmax', liveIndex: 1 }, threshold: 0.8,
};
const withSlot = (over: Record<string, unknown>) => buildConfig({ liveness: { passive: { ...slot, ...over } } });

t.test('no passive model by default', async (t) => {
  t.equal(buildConfig({}).liveness.passive, null);
});

t.test('a slot is read with sha256 and output name optional', async (t) => {
  t.same(withSlot({}).liveness.passive, { ...slot, sha256: null, output: { name: null, size: 3, kind: 'softmax', liveIndex: 1 } });
  const sha = 'AB'.repeat(32);
  const read = withSlot({ sha256: sha, output: { name: 'prob', size: 1, kind: 'score', liveIndex: 0 }, threshold: 3.5 }).liveness.passive!;
  t.equal(read.sha256, sha.toLowerCase(), 'compared in lower case');
  t.same(read.output, { name: 'prob', size: 1, kind: 'score', liveIndex: 0 });
  t.equal(read.threshold, 3.5, "a 'score' threshold is the model's own scale");
});

t.test('refusals name the key, the expectation and the value', async (t) => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ sha256: 'abc' }, /^config config\.liveness\.passive\.sha256: expected 64 hex digits/],
    [{ path: '' }, /^config config\.liveness\.passive\.path: expected a non-empty string/],
    [{ inputSize: { width: 4, height: 80 } }, /^config config\.liveness\.passive\.inputSize\.width: expected an integer in 8\.\.1024, received 4/],
    [{ crop: { scale: 9, square: true } }, /^config config\.liveness\.passive\.crop\.scale: /],
    [{ crop: { scale: 2, square: 'yes' } }, /^config config\.liveness\.passive\.crop\.square: expected true or false/],
    [{ normalisation: { ...slot.normalisation, std: [1, 0, 1] } }, /^config config\.liveness\.passive\.normalisation\.std: expected an array of 3 positive numbers/],
    [{ normalisation: { ...slot.normalisation, colourOrder: 'rgba' } }, /^config config\.liveness\.passive\.normalisation\.colourOrder: expected one of rgb, bgr/],
    [{ normalisation: { ...slot.normalisation, layout: 'nhwc' } }, /^config config\.liveness\.passive\.normalisation\.layout: expected one of nchw/],
    [{ output: { size: 3, kind: 'softmax', liveIndex: 3 } }, /^config config\.liveness\.passive\.output\.liveIndex: expected an index below output size \(3\), received 3/],
    [{ output: { size: 1, kind: 'softmax', liveIndex: 0 } }, /^config config\.liveness\.passive\.output\.size: expected at least 2 values for kind softmax/],
    [{ output: { size: 2, kind: 'logit', liveIndex: 0 } }, /^config config\.liveness\.passive\.output\.kind: expected one of softmax, sigmoid, score/],
    [{ output: { name: 'bad name', size: 2, kind: 'softmax', liveIndex: 0 } }, /^config config\.liveness\.passive\.output\.name: expected an output name/],
    [{ threshold: 1 }, /^config config\.liveness\.passive\.threshold: expected a probability strictly between 0 and 1 \(output kind softmax\), received 1/],
    [{ threshold: 0 }, /^config config\.liveness\.passive\.threshold: expected a probability strictly between 0 and 1/],
    [{ thresold: 0.5 }, /^config config\.liveness\.passive\.thresold: expected no such key \(misspelled\?\)/],
    [{ output: { size: 2, kind: 'softmax', liveIndex: 0, live: 1 } }, /^config config\.liveness\.passive\.output\.live: expected no such key/],
  ];
  for (const [over, message] of cases) t.throws(() => withSlot(over), { code: 'ERR_CONFIG', message }, JSON.stringify(over));
  t.throws(() => buildConfig({ liveness: { passive: 'models/pad.onnx' } }), { code: 'ERR_CONFIG', message: /^config config\.liveness\.passive: expected an object/ });
});
