// npm run build:models [-- --force] [-- --repin]
// Converts the face models shipped in the pinned npm packages into models/*.onnx + models/manifest.json.
//   --force  convert even when models/ already holds the pinned files
//   --repin  accept the current inputs/outputs and rewrite tools/models/pins.ts (intentional upgrades only)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildModels, renderPinsFile } from './build-models.js';
import { projectRoot } from '../../src/core/project-root.js';

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (a !== '--force' && a !== '--repin') {
    console.error(`build-models: unknown option ${a} (expected --force or --repin)`);
    process.exit(2);
  }
}

const started = performance.now();
try {
  const result = buildModels({
    projectRoot,
    outDir: path.join(projectRoot, 'models'),
    repin: args.has('--repin'),
    force: args.has('--force'),
    fetchTarballs: true,
    log: (line) => console.log(`[build:models] ${line}`),
  });
  if (args.has('--repin')) {
    const pinsPath = path.join(projectRoot, 'tools', 'models', 'pins.ts');
    writeFileSync(pinsPath, renderPinsFile(result.pins));
    console.log(`[build:models] re-pinned ${pinsPath}: review the diff before committing`);
  }
  const converted = result.models.filter((m) => m.converted).length;
  console.log(`[build:models] done: ${converted} converted, ${result.models.length - converted} up to date, ${((performance.now() - started) / 1000).toFixed(2)} s`);
} catch (err) {
  console.error(`[build:models] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
