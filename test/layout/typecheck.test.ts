// `npx tsc` type-checks everything, tests included (tsconfig.json); this keeps the suite failing when it doesn't.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { projectRoot } from '../../src/core/project-root.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

t.test('tsc finds no type error in src, tools, eval, bench, scripts or test', async (t) => {
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: projectRoot, encoding: 'utf8', timeout: 240_000 });
  t.equal(run.status, 0, run.stdout.split('\n').slice(0, 30).join('\n'));
});
