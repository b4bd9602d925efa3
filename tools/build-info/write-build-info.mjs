// Run by `npm run build:ts` after tsc: records the commit the build was made from in dist/build-info.json,
// which `proofgate --version` reports (src/cli/version.ts). "unknown" when the tree is not a git checkout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let commit = 'unknown';
try {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  if (/^[0-9a-f]{40}$/.test(head)) commit = head;
} catch {
  // not a checkout (a release tarball): the version says "unknown"
}
mkdirSync(path.join(root, 'dist'), { recursive: true });
writeFileSync(path.join(root, 'dist', 'build-info.json'), `${JSON.stringify({ commit, builtAt: new Date().toISOString() }, null, 2)}\n`);
console.log(`dist/build-info.json: commit ${commit}`);
