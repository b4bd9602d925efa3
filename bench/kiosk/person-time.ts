// The waits of a person's first time at the kiosk, in headless Chromium through the station UI to a
// verified decision and Entra's form_post (test/helpers/kiosk/verified-kiosk.ts: the passport-page
// scanner double, the agent's PC/SC reader on the virtual ePassport, the simulated RGB-D camera, face
// analysis scripted). Measured from the tap to the next screen, so the scripted typing on the keypad and
// the person's own moves are excluded; the selfie row runs to the form_post, the decision included. The
// simulated camera answers at once, so a real camera's filming time (challenge frames x interval) adds to it.
// Its own process (`node --import tsx bench/kiosk/person-time.ts [runs]`, which bench/kiosk.bench.ts
// spawns): libpcsclite reads its socket path once per process, and the chip bench has its own pcscd.
import { cpus } from 'node:os';
import { median } from '../../eval/lib/latency-stats.js';
import { holderPassport } from '../../test/helpers/kiosk/holder-passport.js';
import { startVerifiedKiosk, walkFirstTime } from '../../test/helpers/kiosk/verified-kiosk.js';
import { startVirtualEpassport, virtualEpassportUnavailable } from '../../test/helpers/virtual-epassport.js';

async function scope<T>(fn: (t: { teardown(f: () => unknown): void }) => Promise<T>): Promise<T> {
  const cleanups: Array<() => unknown> = [];
  try {
    return await fn({ teardown: (f) => { cleanups.push(f); } });
  } finally {
    for (const f of cleanups.reverse()) await f();
  }
}

export async function benchPersonTime(runs: number): Promise<string[]> {
  const unavailable = virtualEpassportUnavailable();
  if (unavailable) return [`Not run: virtual ePassport: ${unavailable}.`];
  const rows = { scan: [] as number[], chip: [] as number[], selfieToEntra: [] as number[], total: [] as number[] };
  await scope(async (t) => {
    const passport = await holderPassport(t);
    const card = await startVirtualEpassport(passport.files);
    t.teardown(() => card.close());
    // A fresh appliance and agent per run: the same passport enrolled twice would be a duplicate.
    for (let i = 0; i <= runs; i++) {
      const walk = await scope(async (run) => walkFirstTime(await startVerifiedKiosk(run, passport)));
      if (walk.fields.error || !walk.fields.id_token) throw new Error(`run ${i} was not verified: ${JSON.stringify(walk.fields)}`);
      if (i === 0) continue; // warm-up
      const w = walk.waitsMs;
      rows.scan.push(w.scan);
      rows.chip.push(w.chip);
      rows.selfieToEntra.push(w.selfieToEntra);
      rows.total.push(w.scan + w.chip + w.selfieToEntra);
    }
  });
  const line = (what: string, s: number[], note: string) => `| ${what} | ${s.length} | ${(median(s) / 1000).toFixed(2)} | ${(Math.max(...s) / 1000).toFixed(2)} | ${note} |`;
  return [
    `Host: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}. One warm-up run, then the runs shown (each verified).`, '',
    '| the person waits for | runs | median s | max s | note |',
    '|---|---|---|---|---|',
    line('scan (tap → chip screen)', rows.scan, 'scanner double: a rendered passport page, white light'),
    line('chip (tap → selfie screen)', rows.chip, 'BAC + COM/DG1/DG2/SOD over PC/SC, virtual ePassport (~44 ms per APDU)'),
    line('selfie → form_post at Entra', rows.selfieToEntra, 'simulated camera, envelope signed in SoftHSM, the decision'),
    line('all waits', rows.total, 'typing and the person\'s moves excluded'),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? '5');
  if (!Number.isInteger(runs) || runs < 3) throw new Error(`runs must be an integer >= 3 (got ${process.argv[2]})`);
  console.log((await benchPersonTime(runs)).join('\n'));
}
