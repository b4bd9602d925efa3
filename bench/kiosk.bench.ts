// Kiosk station benchmarks: `npm run bench:kiosk [-- --runs N]`. Each device part prints its own
// table: the chip reader (bench/kiosk/chip-read.ts) and the signed envelope at both ends
// (bench/kiosk/envelope-signature.ts, at least 200 envelopes).
import { parseArgs } from 'node:util';
import { benchChipRead } from './kiosk/chip-read.js';
import { benchEnvelopeSignature } from './kiosk/envelope-signature.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } }, strict: true });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 20) throw new Error(`--runs must be an integer >= 20 (got ${values.runs})`);

console.log('## Chip reader\n');
console.log((await benchChipRead(runs)).join('\n'));

console.log('\n## Signed envelope\n');
console.log((await benchEnvelopeSignature(Math.max(200, runs))).join('\n'));
