// Chip read time: BAC + EF.COM/DG1/DG2/EF.SOD through the real PC/SC stack against the virtual
// ePassport (private pcscd + vpcd + Debian's vicc, test/helpers/virtual-epassport.ts), and PACE
// against the simulated chip in process (no PC/SC: protocol and crypto cost alone). One sample = one
// whole read from connect to the last byte. No peer: no other eMRTD reader is packaged for Debian
// here; the plain SELECT round trip row is the transport's floor for comparison.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { median, percentile } from '../../eval/lib/latency-stats.js';
import { readEmrtd } from '../../src/documents/emrtd/reader/read-emrtd.js';
import { PcscChipReader } from '../../src/kiosk/devices/chip/pcsc-chip-reader.js';
import { PcscContext } from '../../src/native/pcsc.js';
import { simulatedPaceChip } from '../../test/helpers/simulated-pace-chip.js';
import { startVirtualEpassport, virtualEpassportUnavailable } from '../../test/helpers/virtual-epassport.js';
import { testPassport } from '../../test/helpers/virtual-epassport-document.js';

interface Row { what: string; samples: number[]; note: string }

/** `prepare` runs untimed before each sample (a fresh simulated chip); `once` is timed. */
async function sample<P>(runs: number, once: (prepared: P) => Promise<unknown>, prepare: () => P = () => undefined as P): Promise<number[]> {
  await once(prepare()); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const prepared = prepare();
    const start = performance.now();
    await once(prepared);
    out.push(performance.now() - start);
  }
  return out;
}

export async function benchChipRead(runs: number): Promise<string[]> {
  const rows: Row[] = [];
  const imageBytes = 15_000;
  const unavailable = virtualEpassportUnavailable();
  if (unavailable) {
    rows.push({ what: 'BAC over PC/SC (virtual ePassport)', samples: [], note: `not run: ${unavailable}` });
  } else {
    const passport = testPassport({}, { imageBytes });
    const card = await startVirtualEpassport(passport);
    try {
      const context = await PcscContext.establish();
      const session = await context.connect(card.reader);
      const select = Buffer.from('00a4040c07a0000002471001', 'hex');
      rows.push({ what: 'plain SELECT round trip over PC/SC', samples: await sample(runs * 10, () => session.transmit(select)), note: 'pcscd + vpcd + vicc, one APDU' });
      await session.disconnect();
      await context.release();
      const reader = new PcscChipReader({ reader: 'Virtual PCD 00 00', timeoutMs: 60_000 });
      const files = `COM ${passport.com.length} B, DG1 ${passport.dg1.length} B, DG2 ${passport.dg2.length} B, SOD ${passport.sod.length} B`;
      rows.push({ what: 'BAC + COM/DG1/DG2/SOD over PC/SC, 223-byte reads', samples: await sample(runs, () => reader.read(passport.key)), note: files });
      const extended = new PcscChipReader({ reader: 'Virtual PCD 00 00', timeoutMs: 60_000, read: { chunkBytes: 0xf00 } });
      rows.push({ what: 'BAC + COM/DG1/DG2/SOD over PC/SC, 3840-byte extended-length reads', samples: await sample(runs, () => extended.read(passport.key)), note: files });
    } finally {
      await card.close();
    }
  }
  const noAuth = { chunkBytes: 0xdf, activeAuthentication: false, chipAuthentication: false };
  const note = 'in process, no PC/SC: protocol and crypto on both sides';
  rows.push({ what: 'PACE-ECDH-GM-AES-128 (brainpoolP256r1) + all files, simulated chip', samples: await sample(runs, (c) => readEmrtd(c.transport, c.key, noAuth), () => simulatedPaceChip()), note });
  rows.push({ what: 'PACE + files + Chip and Active Authentication, simulated chip', samples: await sample(runs, (c) => readEmrtd(c.transport, c.key), () => simulatedPaceChip()), note });

  const lines = [
    `Host: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}. One warm-up, then the sample count shown.`,
    '',
    '| read | samples | median ms | p99 ms | files / note |',
    '|---|---|---|---|---|',
  ];
  for (const r of rows) {
    if (r.samples.length === 0) lines.push(`| ${r.what} | 0 | - | - | ${r.note} |`);
    else lines.push(`| ${r.what} | ${r.samples.length} | ${median(r.samples).toFixed(1)} | ${percentile(r.samples, 99).toFixed(1)} | ${r.note} |`);
  }
  return lines;
}
