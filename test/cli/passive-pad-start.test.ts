// liveness.passive at start-up, on the real appliance: a configured model that cannot be used refuses
// start with ERR_MODEL before anything is opened or written; a working one is named in /health.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { startAppliance } from '../../src/cli/start-appliance.js';
import { silentLogger } from '../../src/core/log.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';
import { brightnessModelBytes, brightnessSlot, modelDir, writeModel } from '../helpers/passive-pad-models.js';

const tokenDir = embeddedTokenDataDir(t, 'proofgate-pad-start-');
const models = modelDir(t);
const goodBytes = brightnessModelBytes({ head: 'logits', slope: 20, offset: -10 });
const good = writeModel(models, 'good.onnx', goodBytes);
const goodSha = createHash('sha256').update(goodBytes).digest('hex');

function configWith(passive: unknown, dataDir: string) {
  return buildConfig({
    server: { dataDir, port: 0, publicBaseUrl: 'http://127.0.0.1:8443' },
    hsm: { tokenLabel: 'pad-start-test' },
    biometrics: { manifest: path.join(dataDir, 'no-such-manifest.json') },
    liveness: { passive },
  });
}

t.test('a configured model that cannot be used refuses start-up, and nothing is opened', async (t) => {
  const three = writeModel(models, 'three.onnx', brightnessModelBytes({ head: 'logits', slope: 20, offset: -10, classes: 3 }));
  const cases: [unknown, RegExp][] = [
    [brightnessSlot(path.join(models, 'missing.onnx')), /^liveness\.passive model .*missing\.onnx is missing or unreadable \(ENOENT\)$/],
    [brightnessSlot(good, { sha256: 'f'.repeat(64) }), new RegExp(`^liveness\\.passive model .*good\\.onnx has sha256 ${goodSha}, not the configured liveness\\.passive\\.sha256 f{64}$`)],
    [brightnessSlot(three), /passive PAD model .*three\.onnx: output logits holds 3 values, not 2$/],
  ];
  for (const [slot, message] of cases) {
    const dataDir = path.join(models, 'never-created');
    await t.rejects(startAppliance(configWith(slot, dataDir), silentLogger), { code: 'ERR_MODEL', message });
    t.notOk(existsSync(dataDir), 'the data directory was not even created');
  }
});

t.test('/health names the configured model; not configured says so', async (t) => {
  const config = configWith(brightnessSlot(good, { sha256: goodSha, threshold: 0.7 }), tokenDir);
  await initHsm(config.hsm, tokenDir);
  const appliance = await startAppliance(config, silentLogger);
  t.teardown(() => appliance.close());
  const body = await (await fetch(`${appliance.listenUrl}/health`)).json() as { checks: Record<string, { ok: boolean; detail?: string }> };
  t.same(body.checks.passivePad, { ok: true, detail: `good.onnx sha256:${goodSha.slice(0, 16)} softmax >= 0.7` });
});
