// The embedded token's softhsm2.conf names its token directory by absolute path. When the data directory
// moves (copied by hand, or restored elsewhere), `init` / `hsm init` rewrite a proofgate-written conf for
// the new place, so the same token is found there and no new one is created; a conf the operator wrote
// is left alone.
import t from 'tap';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { initHsm } from '../../src/hsm/init-token.js';
import { embeddedTokenDataDir } from '../helpers/softhsm.js';

t.test('a copied data directory finds its own token after init rewrites the conf', async (t) => {
  const work = embeddedTokenDataDir(t, 'proofgate-conf-move-');
  const a = path.join(work, 'a');
  const b = path.join(work, 'b');
  const hsm = { tokenLabel: 'conf-move-test' };
  const first = await initHsm(buildConfig({ hsm }).hsm, a);
  t.equal(first.tokenCreated, true);

  cpSync(a, b, { recursive: true });
  const conf = path.join(b, 'hsm', 'softhsm2.conf');
  t.match(readFileSync(conf, 'utf8'), `directories.tokendir = ${path.join(a, 'hsm', 'tokens')}\n`, 'the copy still names A');
  const second = await initHsm(buildConfig({ hsm }).hsm, b);
  t.match(second, { tokenCreated: false, signingKeyCreated: false, wrappingKeyCreated: false, auditMacKeyCreated: false, kid: first.kid, filesWritten: [conf] },
    "B's own copy of the token, found by label, keys and all");
  t.match(readFileSync(conf, 'utf8'), `directories.tokendir = ${path.join(b, 'hsm', 'tokens')}\n`);

  const own = `directories.tokendir = ${path.join(b, 'hsm', 'tokens')}\nobjectstore.backend = file\n# the operator's\n`;
  writeFileSync(conf, own, { mode: 0o600 });
  const third = await initHsm(buildConfig({ hsm }).hsm, b);
  t.same(third.filesWritten, [], "the operator's conf is not rewritten");
  t.equal(readFileSync(conf, 'utf8'), own);
});
