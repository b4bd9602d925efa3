// MRZ parsing benchmark: `node --import tsx bench/mrz.bench.ts [--rounds N]`. proofgate's parseMrz and
// the `mrz` npm package (5.0.2, dev dependency) parse the same fixed ICAO vectors; each sample is the
// time for one pass over all vectors. Prints median and p99 per sample and the peer/proofgate ratio.
// A benchmark, not a test: nothing fails on a time. The peer does not handle visas, so they are left out
// of the shared set (and timed for proofgate alone).
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { parse as peerParse } from 'mrz';
import { parseMrz } from '../src/documents/mrz/index.js';

const SHARED: string[][] = [
  ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'],
  ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'],
  ['I<UTOD23145890<7349<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<'],
  ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'],
  ['P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<', 'C11T002JM4D<<9608122F2310314<<<<<<<<<<<<<<<4'],
  ['IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<', '9409923102854CORINNE<<<<<<<6512068F4'],
  ['IDBEL000590240<6013<<<<<<<<<<<', '8512017F1311048BEL851201002007', 'REINARTZ<<ULRIKE<KATIA<E<<<<<<'],
];
const VISAS: string[][] = [
  ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'],
  ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'L8988901C4XXX4009078F9612109<<<<<<<<'],
];

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3000' } }, strict: true });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 10) throw new Error(`--rounds must be an integer >= 10 (got ${values.rounds})`);

function measure(run: () => void): { median: number; p99: number } {
  for (let i = 0; i < 200; i++) run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], p99: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.99) - 1)] };
}

let sink = 0;
const now = new Date();
const ours = measure(() => { for (const v of SHARED) sink += parseMrz(v, { now }).valid ? 1 : 0; });
const peer = measure(() => { for (const v of SHARED) sink += peerParse(v).valid ? 1 : 0; });
const visas = measure(() => { for (const v of VISAS) sink += parseMrz(v, { now }).valid ? 1 : 0; });

const fmt = (x: number) => x.toFixed(1);
console.log(`Host: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}. ${rounds} samples per row after 200 warm-up passes; one sample = one pass over the vectors.\n`);
console.log('| system | vectors per pass | median µs | p99 µs | peer / proofgate (median) |');
console.log('|---|---|---|---|---|');
console.log(`| proofgate parseMrz | ${SHARED.length} | ${fmt(ours.median)} | ${fmt(ours.p99)} | ${(peer.median / ours.median).toFixed(2)} |`);
console.log(`| mrz 5.0.2 parse | ${SHARED.length} | ${fmt(peer.median)} | ${fmt(peer.p99)} | 1.00 |`);
console.log(`| proofgate parseMrz, visas (peer cannot) | ${VISAS.length} | ${fmt(visas.median)} | ${fmt(visas.p99)} | - |`);
if (sink < 0) console.log(sink);
