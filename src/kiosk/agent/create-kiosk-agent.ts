// The kiosk agent: the station's devices, its key and the captures of the session in progress, behind the
// loopback API the station's browser calls (the appliance's page obtains captures only through here).
// The CLI builds it with the real adapters (cli/real-devices.ts); tests inject simulated devices through
// this constructor.
//
//   GET  /status    every device's selftest, and whether the station is registered
//   POST /scan      {sessionId, nonce}: the document under white light, and IR/UV where offered
//   POST /chip      {sessionId, nonce, accessKey}: the eMRTD chip, with the key from the MRZ or typed
//   POST /selfie    {sessionId, nonce}: the RGB-D capture and the challenge frames, stamped with the nonce
//   POST /envelope  {sessionId, nonce}: the held captures, signed; the session is then wiped
//   POST /reset     {sessionId?}: wipes one session's captures, or all
//   POST /operator  {operator: staffId | null}: the kiosk operator signed in at the station (named in every
//                   envelope signed until sign-out or sessions.operatorTtlSeconds), or sign-out
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import type { KioskConfig } from '../config/kiosk-config.js';
import type { DeviceStatus } from '../devices/device.js';
import type { RgbdCamera } from '../devices/camera/rgbd-camera.js';
import type { DocumentScanner } from '../devices/scanner/document-scanner.js';
import type { ChipReaderPort } from '../devices/chip-port.js';
import { KioskDeviceError } from '../devices/device-error.js';
import type { StationSigner } from '../key/station-key.js';
import { HeldCaptures } from '../session/held-captures.js';
import { signEnvelope } from '../envelope/sign-envelope.js';
import { checkApplianceClock } from '../clock/appliance-clock.js';
import { applianceOriginGuard, bodyErrorHandler, boundedJsonBody, loopbackHostGuard } from '../http/loopback-guards.js';
import { readChipRequest, readOperatorRequest, readResetRequest, readSessionRequest } from '../http/kiosk-requests.js';
import { failureOutcome, KioskApiError, sendFailure } from '../http/kiosk-errors.js';
import { captureSelfie, readChip, scanDocument } from './kiosk-steps.js';

export interface KioskDevices {
  camera: RgbdCamera;
  scanner: DocumentScanner;
  chip: ChipReaderPort;
}

export interface KioskAgentOptions {
  config: KioskConfig;
  devices: KioskDevices;
  signer: StationSigner;
  /** The station's clock (tests move it to play a skewed station). */
  now?: () => number;
  /** Operator log: one line per failed step (never a capture's bytes). */
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface RunningKioskAgent {
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface KioskAgent {
  readonly app: express.Express;
  readonly held: HeldCaptures;
  status(): Promise<DeviceStatus[]>;
  listen(port?: number): Promise<RunningKioskAgent>;
}

type Step = (req: Request, signal: AbortSignal) => Promise<{ body: Record<string, unknown>; sessionId: string | null }>;

export function createKioskAgent(opts: KioskAgentOptions): KioskAgent {
  const { config, devices, signer } = opts;
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => {});
  const held = new HeldCaptures({ ttlMs: config.sessions.ttlSeconds * 1000, maxSessions: config.sessions.maxSessions });
  const busy = new Set<string>();
  let boundPort = config.listen.port;
  // Who is signed in at the station. The appliance's staff page for kiosk operators (reached after a
  // passkey sign-in) sets it; the appliance checks at every envelope that the member is active and may
  // operate a kiosk, so a stale or forged id refuses the envelope rather than attesting anything.
  let operator: { staffId: string; until: number } | null = null;
  const currentOperator = (): string | null => {
    if (operator !== null && now() >= operator.until) operator = null;
    return operator?.staffId ?? null;
  };

  const status = () => Promise.all(Object.values(devices).map(async (d): Promise<DeviceStatus> => {
    try {
      return await d.selftest();
    } catch (e) {
      return { device: d.name, ok: false, detail: `selftest failed: ${(e as Error).message}`, remedy: 'check the device and its cable, then run `proofgate-kiosk selftest`' };
    }
  }));

  /** One device at a time: a second request while it works is refused, not queued. */
  async function exclusive<T>(device: string, work: () => Promise<T>): Promise<T> {
    if (busy.has(device)) throw new KioskDeviceError(device as KioskDeviceError['device'], 'busy', `the ${device} is already in use`);
    busy.add(device);
    try {
      return await work();
    } finally {
      busy.delete(device);
    }
  }

  const steps: Record<string, Step> = {
    async scan(req, signal) {
      const { sessionId, nonce } = readSessionRequest(req.body);
      held.bindNonce(sessionId, nonce);
      const { captures, lights } = await exclusive('scanner', () => scanDocument(devices.scanner, signal));
      held.put(sessionId, 'documents', captures);
      return { sessionId, body: { lights, pages: captures.length } };
    },
    async chip(req, signal) {
      const { sessionId, nonce, accessKey } = readChipRequest(req.body);
      held.bindNonce(sessionId, nonce);
      const { capture, protocol, readMs } = await exclusive('chip', () => readChip(devices.chip, accessKey, signal));
      held.put(sessionId, 'chip', [capture]);
      return { sessionId, body: { protocol, readMs } };
    },
    async selfie(req, signal) {
      const { sessionId, nonce } = readSessionRequest(req.body);
      held.bindNonce(sessionId, nonce);
      const frames = { count: config.camera.challengeFrames, intervalMs: config.camera.challengeIntervalMs };
      const captures = await exclusive('camera', () => captureSelfie(devices.camera, nonce, frames, signal));
      held.put(sessionId, 'selfie', captures);
      return { sessionId, body: { frames: captures.length } };
    },
    async envelope(req) {
      const { sessionId, nonce } = readSessionRequest(req.body);
      if (config.stationId === null) throw new KioskApiError(503, 'not-registered', 'this station has no stationId in kiosk.json: run `proofgate station add` on the appliance with the key `proofgate-kiosk init` printed');
      const session = held.get(sessionId);
      if (!session || session.captures.length === 0) throw new KioskApiError(409, 'nothing-captured', 'nothing was captured for this session');
      held.bindNonce(sessionId, nonce);
      await checkApplianceClock(config.applianceUrl, { timeoutMs: config.clock.checkTimeoutMs, maxSkewSeconds: config.clock.maxSkewSeconds, now });
      const envelope = await signEnvelope(signer, { stationId: config.stationId, sessionId, nonce, operator: currentOperator(), captures: session.captures, issuedAt: now() });
      held.wipe(sessionId); // completion: the envelope now holds the only copy, in the page's hands
      return { sessionId: null, body: envelope as unknown as Record<string, unknown> };
    },
    async operator(req) {
      const { operator: staffId } = readOperatorRequest(req.body);
      operator = staffId === null ? null : { staffId, until: now() + config.sessions.operatorTtlSeconds * 1000 };
      held.wipeAll(); // a change of operator never attests captures taken under the previous one
      return { sessionId: null, body: { operator: staffId } };
    },
    async reset(req) {
      const { sessionId } = readResetRequest(req.body);
      if (sessionId === null) held.wipeAll();
      else held.wipe(sessionId);
      return { sessionId: null, body: { reset: true } };
    },
  };

  function route(name: string, step: Step) {
    return async (req: Request, res: Response) => {
      const abort = new AbortController();
      res.on('close', () => { if (!res.writableFinished) abort.abort(); });
      const sessionId = typeof req.body?.sessionId === 'string' ? req.body.sessionId as string : null;
      try {
        const { body } = await step(req, abort.signal);
        res.status(200).json(body);
      } catch (e) {
        const outcome = failureOutcome(e);
        if (outcome.wipe && sessionId !== null) held.wipe(sessionId);
        log('kiosk.step_failed', { step: name, status: outcome.status, error: outcome.body.error, message: (e as Error).message });
        sendFailure(res, outcome);
      }
    };
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(loopbackHostGuard(() => boundPort), applianceOriginGuard(config.allowedOrigin), ...boundedJsonBody(config.listen.maxBodyBytes));
  app.use((_req, res, next) => { res.setHeader('Cache-Control', 'no-store'); next(); });
  app.get('/status', async (_req, res) => { res.json({ stationId: config.stationId, operator: currentOperator(), devices: await status() }); });
  for (const name of Object.keys(steps)) app.post(`/${name}`, route(name, steps[name]));
  app.use((_req: Request, res: Response) => { res.status(404).json({ error: 'not-found', message: 'no such endpoint', reset: false }); });
  app.use(bodyErrorHandler);

  return {
    app, held, status,
    listen(port = config.listen.port) {
      const server: Server = createServer({ requestTimeout: 120_000, headersTimeout: 10_000 }, app);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          boundPort = (server.address() as AddressInfo).port;
          resolve({
            port: boundPort, url: `http://127.0.0.1:${boundPort}`,
            close: () => new Promise<void>((done) => { held.wipeAll(); server.closeAllConnections(); server.close(() => done()); }),
          });
        });
      });
    },
  };
}
