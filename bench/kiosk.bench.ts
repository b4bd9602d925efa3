// Kiosk station benchmarks: `npm run bench:kiosk [-- --runs N]`. Each device part prints its own
// table: the chip reader (bench/kiosk/chip-read.ts) and the signed envelope at both ends
// (bench/kiosk/envelope-signature.ts, at least 200 envelopes), then a person's waits through the kiosk UI
// in Chromium (bench/kiosk/person-time.ts, in its own process: one pcscd per process).
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchChipRead } from './kiosk/chip-read.js';
import { benchEnvelopeSignature } from './kiosk/envelope-signature.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } }, strict: true });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 20) throw new Error(`--runs must be an integer >= 20 (got ${values.runs})`);

console.log('## Chip reader\n');
console.log((await benchChipRead(runs)).join('\n'));

console.log('\n## Signed envelope\n');
console.log((await benchEnvelopeSignature(Math.max(200, runs))).join('\n'));

console.log('\n## A person\'s waits at the kiosk (Chromium, verified first time)\n');
const personTime = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./kiosk/person-time.ts', import.meta.url)), String(Math.max(5, Math.floor(runs / 4)))], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (personTime.status !== 0) throw new Error(`bench/kiosk/person-time.ts exited ${personTime.status}`);
console.log(personTime.stdout.trimEnd());
