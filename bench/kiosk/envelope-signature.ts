// The signed capture envelope's cost at both ends, per envelope: the agent signing (capture digests +
// ES256 in the station's SoftHSM token over PKCS#11, the key made by the agent's own `init`, plus the
// base64 of the captures: signEnvelope as POST /envelope calls it) and the appliance verifying
// (verifyStationEnvelope as the capture route calls it: the station row, the canonical payload rebuilt
// from the captures, the ECDSA verification and the replay guard's write to SQLite on disk). The envelope
// is a verified first time's: a rendered passport page (PNG), the chip container, the simulated RGB-D
// camera's selfie, depth and 14 challenge frames. Peer rows: the bare PKCS#11 sign and the bare
// node:crypto verify of the same payload, so the envelope's own overhead shows.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { verify } from 'node:crypto';
import { median, percentile } from '../../eval/lib/latency-stats.js';
import { loadKioskConfig } from '../../src/kiosk/config/load-kiosk-config.js';
import { initStationKey } from '../../src/kiosk/key/init-station-key.js';
import { openStationToken, Pkcs11StationSigner } from '../../src/kiosk/key/station-key.js';
import { signEnvelope, type SignedEnvelope } from '../../src/kiosk/envelope/sign-envelope.js';
import { chipCapture } from '../../src/kiosk/envelope/chip-capture.js';
import { captureSelfie } from '../../src/kiosk/agent/kiosk-steps.js';
import { stationSignedPayload } from '../../src/verification/station/signed-payload.js';
import { readStationPublicKey } from '../../src/verification/station/station-key.js';
import { verifyStationEnvelope } from '../../src/verification/station/verify-station-envelope.js';
import type { HeldCapture } from '../../src/kiosk/session/held-captures.js';
import { SimulatedRgbdCamera } from '../../test/helpers/kiosk/simulated-rgbd-camera.js';
import { holderPassport } from '../../test/helpers/kiosk/holder-passport.js';
import { tempRepository } from '../../test/helpers/temp-store.js';

interface Row { what: string; samples: number[]; note: string }

async function timed(runs: number, once: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  await once(-1); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await once(i);
    out.push(performance.now() - start);
  }
  return out;
}

export async function benchEnvelopeSignature(runs: number): Promise<string[]> {
  const cleanups: Array<() => unknown> = [];
  const t = { teardown: (fn: () => unknown) => { cleanups.push(fn); } };
  const previousConf = process.env.SOFTHSM2_CONF;
  try {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'proofgate-bench-kiosk-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = loadKioskConfig(null, { applianceUrl: 'https://idv.contoso.example', dataDir, listen: { port: 0 } });
    const init = await initStationKey(config);
    const signer = new Pkcs11StationSigner(openStationToken(config), config.key.keyLabel);
    cleanups.push(() => signer.close());

    const passport = await holderPassport(t);
    const nonce = 'n'.repeat(43);
    const captures: HeldCapture[] = [
      { kind: 'document-front', mediaType: 'image/png', bytes: passport.page, meta: null },
      chipCapture({ protocol: 'BAC', files: passport.files, readMs: 0 }),
      ...await captureSelfie(new SimulatedRgbdCamera(), nonce, { count: 14, intervalMs: 100 }, new AbortController().signal),
    ];
    const totalBytes = captures.reduce((n, c) => n + c.bytes.length, 0);

    const { repo } = tempRepository(t);
    const key = readStationPublicKey(init.publicKeyPem);
    const station = repo.addStation({ stationId: 'd4'.repeat(16), name: 'Bench kiosk', publicKey: key.publicKey, algorithm: key.algorithm, keySha256: key.keySha256, createdAt: Date.now() });
    const session = { sessionId: 'S'.repeat(43), challenge: { nonce } };
    const base = Date.now();
    const request = (i: number) => ({ stationId: station.stationId, sessionId: session.sessionId, nonce, operator: null, captures, issuedAt: base + i + 1 });

    const rows: Row[] = [];
    // Every sample signs a distinct issuedAt, so each verification below is a first receipt (no replay).
    const envelopes: SignedEnvelope[] = [];
    rows.push({
      what: 'agent: signEnvelope (digests + PKCS#11 ES256 in SoftHSM + base64)',
      samples: await timed(runs, async (i) => { const e = await signEnvelope(signer, request(i)); if (i >= 0) envelopes.push(e); }),
      note: `${captures.length} captures, ${(totalBytes / 1e6).toFixed(2)} MB`,
    });
    const payload = stationSignedPayload(request(-1));
    rows.push({ what: 'peer: PKCS#11 ES256 sign of the payload alone', samples: await timed(runs, () => signer.sign(payload)), note: `${payload.length}-byte payload` });

    const deps = { repo, now: () => base, maxClockSkewMs: 300_000 };
    const asCaptures = captures.map((c) => ({ ...c }));
    const warm = await signEnvelope(signer, { ...request(runs + 10) });
    rows.push({
      what: 'appliance: verifyStationEnvelope (payload rebuilt, ES256 verify, replay guard in SQLite)',
      samples: await timed(runs, (i) => {
        const e = i < 0 ? warm : envelopes[i];
        const attestation = verifyStationEnvelope(deps, session, asCaptures, e.station);
        if (attestation?.stationId !== station.stationId) throw new Error('the envelope did not verify');
      }),
      note: 'each envelope received once',
    });
    const signature = Buffer.from(envelopes[0].station.signature, 'base64url');
    const signedPayload = stationSignedPayload(request(0));
    const publicKey = await signer.publicKey();
    rows.push({
      what: 'peer: node:crypto ES256 verify of the payload alone',
      samples: await timed(runs, () => { if (!verify('sha256', signedPayload, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)) throw new Error('bad signature'); }),
      note: `${signedPayload.length}-byte payload`,
    });

    const lines = [
      `Host: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}. One warm-up, then the sample count shown.`, '',
      '| per envelope | samples | median ms | p99 ms | note |', '|---|---|---|---|---|'];
    for (const r of rows) lines.push(`| ${r.what} | ${r.samples.length} | ${median(r.samples).toFixed(2)} | ${percentile(r.samples, 99).toFixed(2)} | ${r.note} |`);
    return lines;
  } finally {
    for (const fn of cleanups.reverse()) await fn();
    if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previousConf;
  }
}
