// EAM round trips: Entra's authorize POST → hint validation → replay guard → session in SQLite →
// id_token signed → form_post page, over loopback HTTP, with the biometric step left out (the UI
// decides "verified" at once). The token is signed by SoftHSM through PKCS#11 (what the appliance
// runs) and, as the peer measured in the same run, by node:crypto (SoftwareKeyRing). RS256
// signatures/s for both follow (bench/hsm-sign.bench.ts).
//   npm run bench:oidc [-- --count 400 --concurrency 1,8 --sign-count 1000]
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { median, percentile } from '../eval/lib/latency-stats.js';
import type { KeyRing } from '../src/hsm/signing-key.js';
import { openHsmToken, openKeyRing } from '../src/hsm/open-hsm.js';
import { SoftwareKeyRing } from '../src/hsm/software-key-ring.js';
import { createTestToken } from '../test/helpers/softhsm.js';
import { startOidcTestApp } from '../test/helpers/oidc-test-app.js';
import { parseFormPost } from '../test/helpers/simulated-entra.js';

interface RoundTripRow {
  signer: string;
  concurrency: number;
  roundTrips: number;
  failures: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  peerRatio: number;
}

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '1,8' },
    'sign-count': { type: 'string', default: '1000' },
  },
});
const count = Number(values.count);
const concurrencies = values.concurrency.split(',').map(Number);

async function benchRoundTrips(signer: string, keyRing: KeyRing): Promise<RoundTripRow[]> {
  const teardowns: Array<() => unknown> = [];
  // Entra keys from the simulated Entra's loopback JWKS (fetched once, then cached like production).
  const app = await startOidcTestApp({ teardown: (fn) => teardowns.push(fn) }, { keyRing, ui: 'auto-verify' });
  const rows: RoundTripRow[] = [];
  try {
    for (const concurrency of concurrencies) {
      // Entra's side (minting hints) is done before the clock starts.
      const requests = await Promise.all(Array.from({ length: count + 20 }, () => app.entra.request()));
      const roundTrip = async (fields: Record<string, string>): Promise<boolean> => {
        const res = await fetch(`${app.baseUrl}/oidc/authorize`, { method: 'POST', body: new URLSearchParams(fields) });
        const form = parseFormPost(await res.text());
        return res.status === 200 && typeof form?.fields.id_token === 'string';
      };
      for (const warm of requests.splice(0, 20)) await roundTrip(warm);
      const latencies: number[] = [];
      let failures = 0;
      const start = performance.now();
      const worker = async () => {
        for (let fields = requests.shift(); fields; fields = requests.shift()) {
          const t0 = performance.now();
          if (!(await roundTrip(fields))) failures++;
          latencies.push(performance.now() - t0);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const seconds = (performance.now() - start) / 1000;
      rows.push({
        signer, concurrency, roundTrips: latencies.length, failures, perSecond: latencies.length / seconds,
        p50Ms: median(latencies), p99Ms: percentile(latencies, 99), peerRatio: Number.NaN,
      });
    }
  } finally {
    for (const fn of teardowns.reverse()) await fn();
  }
  return rows;
}

// Warm-up pass (discarded): JIT, SQLite page cache and the loopback JWKS fetch, so the first measured
// signer is not penalised for running first.
await benchRoundTrips('warm-up', await SoftwareKeyRing.create());

const token = await createTestToken({ label: 'bench-oidc' });
const rows: RoundTripRow[] = [];
try {
  const hsm = openHsmToken({ ...token.hsmConfig, sessionPoolSize: 2 }, token.dir);
  try {
    const ring = openKeyRing(hsm, token.hsmConfig);
    await ring.ensureKey();
    rows.push(...(await benchRoundTrips('SoftHSM2 (PKCS#11)', ring)));
  } finally {
    await hsm.close();
  }
} finally {
  await token.cleanup();
}
rows.push(...(await benchRoundTrips('node:crypto (SoftwareKeyRing)', await SoftwareKeyRing.create())));
for (const r of rows) {
  const peer = rows.find((p) => p.signer.startsWith('node:crypto') && p.concurrency === r.concurrency);
  r.peerRatio = peer ? peer.perSecond / r.perSecond : Number.NaN;
}

console.log(`EAM authorize → id_token round trips over loopback HTTP (biometric step excluded), ${count} per row, ` +
  `${cpus().length} CPU(s), load average ${loadavg()[0].toFixed(2)}, node ${process.version}, ${new Date().toISOString()}`);
console.log('| signer | concurrent clients | round trips | failures | round trips/s | p50 ms | p99 ms | node:crypto ÷ this |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.signer} | ${r.concurrency} | ${r.roundTrips} | ${r.failures} | ${r.perSecond.toFixed(1)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.peerRatio.toFixed(2)}x |`);
}

// RS256 signatures/s, SoftHSM next to node:crypto in the same run (helper D's bench).
const { benchSigning, renderSigningTable } = await import('./hsm-sign.bench.js');
const signingRows = await benchSigning({ count: Number(values['sign-count']), asyncSessions: [1, 2] });
console.log(`\nRS256 (RSA-2048) signing, ${signingRows[0]?.signatures ?? 0} signatures per row`);
console.log(renderSigningTable(signingRows));
