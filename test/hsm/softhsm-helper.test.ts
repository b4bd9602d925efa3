import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, readFileSync } from 'node:fs';
import { createTestToken } from '../helpers/softhsm.js';

t.test('createTestToken initialises a token in its own directory and cleans up', async (t) => {
  const before = process.env.SOFTHSM2_CONF;
  const token = await createTestToken({ label: 'helper-check' });
  t.equal(process.env.SOFTHSM2_CONF, token.conf, 'process env points at the token for in-process use');
  const slots = execFileSync('softhsm2-util', ['--show-slots'], { env: token.env, encoding: 'utf8' });
  t.match(slots, /Label:\s+helper-check/);
  t.equal(statSync(token.pinFile).mode & 0o777, 0o600, 'PIN file is private');
  t.equal(readFileSync(token.pinFile, 'utf8').trim(), token.pin);
  t.equal(token.hsmConfig.tokenLabel, 'helper-check');

  const second = await createTestToken({ shareDirWith: token });
  const both = execFileSync('softhsm2-util', ['--show-slots'], { env: token.env, encoding: 'utf8' });
  t.match(both, new RegExp(`Label:\\s+${second.tokenLabel}`), 'second token shares the directory');
  await second.cleanup();
  t.equal(process.env.SOFTHSM2_CONF, token.conf, 'a shared token leaves the env alone');

  await token.cleanup();
  t.notOk(existsSync(token.dir), 'temp dir removed');
  t.equal(process.env.SOFTHSM2_CONF, before, 'env restored');
});

t.test('two throwaway tokens one after the other in one process: the module follows SOFTHSM2_CONF', async (t) => {
  const { openHsmToken } = await import('../../src/hsm/open-hsm.js');
  const first = await createTestToken();
  const a = openHsmToken(first.hsmConfig, first.dir);
  t.equal(await a.run('probe', () => 'first'), 'first');
  t.teardown(() => a.close()); // still open: the module stays initialised on the first store
  await first.cleanup();

  const second = await createTestToken();
  t.teardown(second.cleanup);
  const b = openHsmToken(second.hsmConfig, second.dir);
  t.teardown(() => b.close());
  t.equal(await b.run('probe', () => 'second'), 'second', 'second token found without a failed first call');
});
