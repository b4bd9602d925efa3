import t from 'tap';
import { nativeAddon } from '../../src/native/addon.js';

t.test('the addon loads and reports the OpenCV it links', async (t) => {
  const info = nativeAddon().runtimeInfo();
  t.equal(info.opencvVersion, '4.6.0');
  t.ok(info.threads >= 1, 'reports a thread count');
  t.ok(Array.isArray(info.dnnBackends) && info.dnnBackends.length > 0, 'lists dnn backends');
});
