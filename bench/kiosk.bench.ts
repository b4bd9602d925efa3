// Kiosk station benchmarks: `npm run bench:kiosk [-- --runs N]`. Each device part prints its own
// table; for now the chip reader (bench/kiosk/chip-read.ts).
import { parseArgs } from 'node:util';
import { benchChipRead } from './kiosk/chip-read.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } }, strict: true });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 20) throw new Error(`--runs must be an integer >= 20 (got ${values.runs})`);

console.log('## Chip reader\n');
console.log((await benchChipRead(runs)).join('\n'));
