// Configuration section "stations" (src/config/sections/stations.ts): the documented default and refusals
// that name the key.
import t from 'tap';
import { buildConfig, configDefaults } from '../../src/config/index.js';

t.test('stations.maxClockSkewSeconds: 60 by default, 1..600 whole seconds, anything else refused by name', async (t) => {
  t.equal(configDefaults.stations.maxClockSkewSeconds, 60);
  t.same(buildConfig({}).stations, { maxClockSkewSeconds: 60 });
  t.equal(buildConfig({ stations: { maxClockSkewSeconds: 30 } }).stations.maxClockSkewSeconds, 30);
  for (const bad of [0, 601, 1.5, '60']) {
    t.throws(() => buildConfig({ stations: { maxClockSkewSeconds: bad } }), { code: 'ERR_CONFIG', message: /^config config\.stations\.maxClockSkewSeconds: expected / }, `refused: ${JSON.stringify(bad)}`);
  }
  t.throws(() => buildConfig({ stations: { maxSkew: 60 } }), { code: 'ERR_CONFIG', message: /config\.stations\.maxSkew: expected no such key/ });
});
