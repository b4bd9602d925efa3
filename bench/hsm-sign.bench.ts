// RS256 signing throughput and latency: the token (SoftHSM2 via pkcs11js) next to node:crypto, measured
// in the same run on the same fixed input (a 700-byte JWS signing input, like an EAM id_token).
// Part of `npm run bench:oidc` (import benchSigning) and runnable alone:
//   node --import tsx bench/hsm-sign.bench.ts [--count 2000]
// Rows: "sync" = one caller, blocking calls back to back (C_Sign / crypto.sign); "async xN" = N callers
// keeping one signature each in flight (C_SignAsync over an N-session pool / crypto.sign callback form,
// both on libuv's thread pool). Ratio = node:crypto signs/s over this row's signs/s in the same mode.
import { createPrivateKey, sign as cryptoSign, generateKeyPairSync } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pkcs11js from 'pkcs11js';
import { median, percentile } from '../eval/lib/latency-stats.js';
import { createTestToken } from '../test/helpers/softhsm.js';
import { openHsmToken, openKeyRing } from '../src/hsm/open-hsm.js';
import type { Pkcs11SigningKey } from '../src/hsm/pkcs11-signing-key.js';
import { SoftwareSigningKey } from '../src/hsm/software-key-ring.js';

export interface SigningBenchRow {
  implementation: 'SoftHSM2 (PKCS#11)' | 'node:crypto';
  /** "sync" or "async xN": rows of the same mode are compared. */
  mode: string;
  /** How this row signs. */
  path: string;
  signatures: number;
  signsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** node:crypto signs/s in the same mode divided by this row's (1.00 for node:crypto itself). */
  nodeCryptoRatio: number;
}

/** Fixed signing input: base64url header.payload of a typical id_token. */
const SIGNING_INPUT = Buffer.from(`${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'x'.repeat(43) })).toString('base64url')}.${
  Buffer.from(JSON.stringify({ iss: 'https://proofgate.example.org', aud: '00000000-0000-0000-0000-000000000000', sub: 'y'.repeat(43),
    nonce: 'n'.repeat(32), acr: 'possessionorinherence', amr: ['face'], iat: 1_790_000_000, exp: 1_790_000_600, pad: 'p'.repeat(180) })).toString('base64url')}`);

interface Sample { latencies: number[]; seconds: number }

function runSync(count: number, signOnce: () => void): Sample {
  for (let i = 0; i < Math.min(50, count); i++) signOnce();
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    signOnce();
    latencies.push(performance.now() - t0);
  }
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

async function runAsync(count: number, concurrency: number, signOnce: () => Promise<unknown>): Promise<Sample> {
  await Promise.all(Array.from({ length: Math.min(50, count) }, () => signOnce()));
  const latencies: number[] = [];
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      const t0 = performance.now();
      await signOnce();
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

function row(implementation: SigningBenchRow['implementation'], mode: string, path: string, s: Sample): SigningBenchRow {
  return {
    implementation, mode, path, signatures: s.latencies.length, signsPerSecond: s.latencies.length / s.seconds,
    p50Ms: median(s.latencies), p99Ms: percentile(s.latencies, 99), nodeCryptoRatio: Number.NaN,
  };
}

export async function benchSigning(opts: { count?: number; asyncSessions?: number[] } = {}): Promise<SigningBenchRow[]> {
  const count = opts.count ?? 2000;
  const sessionCounts = opts.asyncSessions ?? [1, 2, 4];
  const token = await createTestToken({ label: 'bench-sign', config: { sessionPoolSize: Math.max(...sessionCounts) } });
  const rows: SigningBenchRow[] = [];
  try {
    // One RSA-2048 key each side: the token's generated inside SoftHSM, node's in memory.
    const nodeKey = createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const software = await SoftwareSigningKey.fromPrivateKey(nodeKey);
    const hsm = openHsmToken(token.hsmConfig, token.dir);
    try {
      const key = (await openKeyRing(hsm, token.hsmConfig).ensureKey()).key as Pkcs11SigningKey;

      rows.push(row('node:crypto', 'sync', 'crypto.sign', runSync(count, () => cryptoSign('sha256', SIGNING_INPUT, nodeKey))));
      // Raw C_SignInit + C_Sign back to back on one session: what the token does without the pool around it.
      const syncHsm = await hsm.run('bench sync', (ctx) => {
        const [priv] = ctx.findObjects([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: key.id }], 1);
        return runSync(count, () => {
          ctx.api.C_SignInit(ctx.session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, priv);
          ctx.api.C_Sign(ctx.session, SIGNING_INPUT, Buffer.alloc(256));
        });
      }, { timeoutMs: 600_000 });
      rows.push(row('SoftHSM2 (PKCS#11)', 'sync', 'C_SignInit + C_Sign, 1 session', syncHsm));

      for (const n of sessionCounts) {
        const pooled = openHsmToken({ ...token.hsmConfig, sessionPoolSize: n }, token.dir);
        try {
          const pooledKey = await openKeyRing(pooled, token.hsmConfig).active();
          rows.push(row('node:crypto', `async x${n}`, 'SoftwareSigningKey.sign (crypto.sign callback)', await runAsync(count, n, () => software.sign(SIGNING_INPUT))));
          rows.push(row('SoftHSM2 (PKCS#11)', `async x${n}`, `Pkcs11SigningKey.sign (C_SignAsync), ${n}-session pool`,
            await runAsync(count, n, () => pooledKey.sign(SIGNING_INPUT))));
        } finally {
          await pooled.close();
        }
      }
    } finally {
      await hsm.close();
    }
  } finally {
    await token.cleanup();
  }
  const peerRate = (mode: string) => rows.find((r) => r.implementation === 'node:crypto' && r.mode === mode)?.signsPerSecond ?? Number.NaN;
  for (const r of rows) r.nodeCryptoRatio = peerRate(r.mode) / r.signsPerSecond;
  return rows;
}

export function renderSigningTable(rows: readonly SigningBenchRow[]): string {
  const lines = [
    '| RS256 signer | mode | path | signatures | signs/s | p50 ms | p99 ms | node:crypto ÷ this |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.implementation} | ${r.mode} | ${r.path} | ${r.signatures} | ${r.signsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${r.nodeCryptoRatio.toFixed(2)}x |`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' } } });
  const rows = await benchSigning({ count: Number(values.count) });
  console.log(`RS256 (RSA-2048) signing, ${rows[0]?.signatures ?? 0} signatures per row, ${new Date().toISOString()}`);
  console.log(renderSigningTable(rows));
}
