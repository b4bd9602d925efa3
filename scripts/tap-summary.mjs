#!/usr/bin/env node
// Runs the tap suite and ends with the one line CI reads: "N passed, N failed".
// tap itself prints no such line, so we parse its final "# { total, pass, fail }" comment.
// Counts are tap's (assertions), which is what tap reports as pass/fail.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

// The test addon (native/test/, never part of the production addon) is built, or brought up to date,
// once before tap runs its files in parallel (test/helpers/native-test-addon.ts builds it only when absent).
const testAddon = spawnSync('npm', ['run', '--silent', 'build:native-test'], { stdio: ['ignore', process.stderr, 'inherit'] });
if (testAddon.status !== 0) {
  console.error(`"npm run build:native-test" failed (status ${testAddon.status})`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const tapRun = path.join(path.dirname(require.resolve('tap/package.json')), 'dist/esm/run.mjs');
const args = [tapRun, '--reporter=tap', ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { stdio: ['inherit', 'pipe', 'inherit'] });

let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString('utf8')).slice(-64 * 1024);
});
child.on('close', (code, signal) => {
  const summaries = [...tail.matchAll(/^# \{ total: (\d+)([^}]*)\}$/gm)];
  const last = summaries.at(-1);
  const count = (key) => Number((last?.[2].match(new RegExp(`${key}: (\\d+)`)) ?? [])[1] ?? 0);
  const passed = last ? count('pass') : 0;
  const failed = last ? count('fail') : 1;
  const exitCode = code ?? (signal ? 1 : 0);
  console.log(`${passed} passed, ${exitCode !== 0 && failed === 0 ? 1 : failed} failed`);
  process.exit(exitCode);
});
