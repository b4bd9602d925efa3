// documents.imaging: the outline candidate floor is configuration (native/src/document/document_quad.cc
// holds no value of its own), validated like every key.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';

t.test('minOutlineAreaFraction: default, override, validated', async (t) => {
  const c = buildConfig({}).documents.imaging;
  t.equal(c.minOutlineAreaFraction, 0.12);
  t.ok(c.minOutlineAreaFraction < c.minDocumentAreaFraction, 'below the policy floor: a small document is found and reported too small');
  t.equal(buildConfig({ documents: { imaging: { minOutlineAreaFraction: 0.2 } } }).documents.imaging.minOutlineAreaFraction, 0.2);
  t.throws(() => buildConfig({ documents: { imaging: { minOutlineAreaFraction: 0 } } }), { message: 'config config.documents.imaging.minOutlineAreaFraction: expected a number in 0.01..1, received 0' });
  t.throws(() => buildConfig({ documents: { imaging: { minOutlineAreaFraction: '0.1' } } }), { code: 'ERR_CONFIG', message: /minOutlineAreaFraction/ });
});
