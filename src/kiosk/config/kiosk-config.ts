// The kiosk agent's configuration (kiosk.json on the station). The defaults object is also the
// documentation: one comment per key. Every value is read through the appliance's strict readers
// (src/config/validate.ts), so a refusal names the key, what was expected and what was received, and a
// misspelled key is an error rather than an ignored option.
import { ConfigError, SectionReader } from '../../config/validate.js';

const DEVICE_PATH = /^\/dev\/[A-Za-z0-9._/-]{1,100}$/;
const SANE_DEVICE = /^[A-Za-z0-9_.:/@-]{1,200}$/;
/** One scanimage option, as `--name=value`: no spaces to split, no shell (spawn takes an argument array). */
const SANE_OPTION = /^--[a-z][a-z0-9-]{0,40}=[A-Za-z0-9 ._:/-]{0,80}$/;
const LABEL = /^[\x21-\x7e][\x20-\x7e]{0,31}$/;

export const kioskDefaults = {
  /** The appliance this station serves, as its pages are reached (https://…). Required. */
  applianceUrl: null as string | null,
  /**
   * The only origin whose pages may call the loopback API (CORS). null: the origin of applianceUrl. The
   * appliance's page is the only one the station's browser should load.
   */
  allowedOrigin: null as string | null,
  /** The station id `proofgate station add` printed (32 lowercase hex). null until the station is registered. */
  stationId: null as string | null,
  /** Where the agent keeps its SoftHSM token store and PIN files; relative paths in `key` are under it. */
  dataDir: '/var/lib/proofgate-kiosk',
  key: {
    /** PKCS#11 module holding the station key: SoftHSM by default; a TPM through Debian's libtpm2-pkcs11-1 is /usr/lib/x86_64-linux-gnu/libtpm2_pkcs11.so.1. */
    module: '/usr/lib/softhsm/libsofthsm2.so',
    /** Token label (created by `proofgate-kiosk init` on SoftHSM; on a TPM or a smart card, created with its own tools). */
    tokenLabel: 'proofgate-kiosk',
    /** CKA_LABEL of the station key pair in the token. */
    keyLabel: 'station',
    /** File whose first line is the user PIN (0600; created by init on SoftHSM). null: read the variable pinEnv names. */
    pinFile: 'token/user.pin' as string | null,
    /** Environment variable holding the user PIN when pinFile is null. */
    pinEnv: 'PROOFGATE_KIOSK_PIN',
    /** File holding the SO PIN (SoftHSM token creation only). */
    soPinFile: 'token/so.pin',
    /** softhsm2.conf of the agent's own token store; null for a module that is not SoftHSM (TPM, smart card). */
    softhsmConf: 'token/softhsm2.conf' as string | null,
    /** Longest one token operation may take, ms (a TPM signs in tens of ms; a smart card in hundreds). */
    operationTimeoutMs: 5000,
  },
  clock: {
    /**
     * Largest difference, seconds, between this station's clock and the appliance's (its HTTP Date header),
     * checked before every envelope is signed. Keep it below the appliance's stations.maxClockSkewSeconds
     * (60): a station past it would sign envelopes the appliance refuses as stale or from the future.
     */
    maxSkewSeconds: 30,
    /** Longest wait for the appliance's answer to that check, ms. */
    checkTimeoutMs: 3000,
  },
  listen: {
    /** TCP port on 127.0.0.1 (the agent never listens on another address). */
    port: 7480,
    /** Largest request body, bytes (requests carry ids, a nonce and an access key, never images). */
    maxBodyBytes: 4096,
  },
  sessions: {
    /** How long captures are held for one verification session before they are wiped, seconds. */
    ttlSeconds: 600,
    /** Sessions held at once (a station serves one person at a time; more is a page misbehaving). */
    maxSessions: 2,
    /** How long a kiosk operator stays signed in at the station (POST /operator) before the agent forgets them, seconds. */
    operatorTtlSeconds: 28800,
  },
  camera: {
    /** V4L2 node of the depth stream (Z16); a RealSense D4xx exposes it as one of its /dev/video* nodes. */
    depthDevice: '/dev/video0',
    /** V4L2 node of the colour stream (YUYV). */
    colourDevice: '/dev/video4',
    depth: { width: 848, height: 480 },
    colour: { width: 1280, height: 720 },
    /** Pinhole intrinsics of the depth imager, pixels (from the camera's calibration; see docs/kiosk.md). */
    depthIntrinsics: { fx: 424, fy: 424, cx: 424, cy: 240 },
    /** Pinhole intrinsics of the colour imager, pixels. */
    colourIntrinsics: { fx: 640, fy: 640, cx: 640, cy: 360 },
    /** Depth-to-colour extrinsics: rotation (row-major 3x3) and translation in mm. */
    depthToColour: { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translationMm: [15, 0, 0] },
    /** Millimetres per Z16 unit (RealSense's default depth scale is 1 mm). */
    depthUnitMm: 1,
    /** Frames dropped after streaming starts (auto-exposure settles). */
    warmupFrames: 5,
    /** Longest wait for one frame, ms; a camera that sends nothing for this long is reported unplugged or stalled. */
    frameTimeoutMs: 2000,
    /** Challenge frames filmed after the RGB-D capture, and the interval between them. */
    challengeFrames: 14,
    challengeIntervalMs: 200,
  },
  scanner: {
    /** SANE device name as `scanimage -L` prints it (e.g. "epjitsu:libusb:001:004"). */
    device: 'test',
    /** Scan resolution, dpi. */
    resolutionDpi: 300,
    /** Infrared and ultraviolet scans: "auto" uses them where the backend offers an IR/UV source or mode, "off" never. */
    irUv: 'auto' as 'auto' | 'off',
    /** Backend-specific options passed to scanimage as given, each "--name=value" (e.g. "--brightness=10"). */
    extraOptions: [] as string[],
    /** Longest one scan may take, ms. */
    timeoutMs: 60000,
    /** Largest image scanimage may return, bytes. */
    maxImageBytes: 64 * 1024 * 1024,
  },
  chip: {
    /** PC/SC reader name (as pcsc_scan lists it); null: the first reader with a card. */
    reader: null as string | null,
    /** Longest one chip read may take, ms (DG2 over a slow contactless link takes seconds). */
    timeoutMs: 30000,
  },
};

export interface Intrinsics { fx: number; fy: number; cx: number; cy: number }
export interface KioskConfig {
  applianceUrl: string;
  allowedOrigin: string;
  stationId: string | null;
  dataDir: string;
  key: typeof kioskDefaults.key;
  clock: typeof kioskDefaults.clock;
  listen: typeof kioskDefaults.listen;
  sessions: typeof kioskDefaults.sessions;
  camera: {
    depthDevice: string; colourDevice: string;
    depth: { width: number; height: number }; colour: { width: number; height: number };
    depthIntrinsics: Intrinsics; colourIntrinsics: Intrinsics;
    depthToColour: { rotation: number[]; translationMm: number[] };
    depthUnitMm: number; warmupFrames: number; frameTimeoutMs: number; challengeFrames: number; challengeIntervalMs: number;
  };
  scanner: typeof kioskDefaults.scanner;
  chip: typeof kioskDefaults.chip;
}

function httpOrigin(r: SectionReader, name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(r.key(name), 'an absolute http(s) URL', value);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))) {
    throw new ConfigError(r.key(name), 'an https URL (http only for a loopback appliance in development)', value);
  }
  return url.origin;
}

function intrinsics(r: SectionReader, name: string, size: { width: number; height: number }): Intrinsics {
  const s = r.section(name);
  const out = {
    fx: s.number('fx', { min: 1, max: 100_000 }), fy: s.number('fy', { min: 1, max: 100_000 }),
    cx: s.number('cx', { min: 0, max: size.width }), cy: s.number('cy', { min: 0, max: size.height }),
  };
  s.done();
  return out;
}

function frameSize(r: SectionReader, name: string): { width: number; height: number } {
  const s = r.section(name);
  const out = { width: s.number('width', { integer: true, min: 16, max: 4096 }), height: s.number('height', { integer: true, min: 16, max: 4096 }) };
  if (out.width % 2 !== 0) throw new ConfigError(s.key('width'), 'an even width (YUYV packs two pixels)', out.width);
  s.done();
  return out;
}

function numbers(r: SectionReader, name: string, count: number, bound: number): number[] {
  const v = r.raw(name);
  if (!Array.isArray(v) || v.length !== count || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || Math.abs(x) > bound)) {
    throw new ConfigError(r.key(name), `an array of ${count} numbers within ±${bound}`, v);
  }
  return v as number[];
}

function readCamera(r: SectionReader): KioskConfig['camera'] {
  const depth = frameSize(r, 'depth');
  const colour = frameSize(r, 'colour');
  const extr = r.section('depthToColour');
  const depthToColour = { rotation: numbers(extr, 'rotation', 9, 1.0001), translationMm: numbers(extr, 'translationMm', 3, 1000) };
  extr.done();
  const out = {
    depthDevice: r.string('depthDevice', { pattern: DEVICE_PATH }),
    colourDevice: r.string('colourDevice', { pattern: DEVICE_PATH }),
    depth, colour,
    depthIntrinsics: intrinsics(r, 'depthIntrinsics', depth),
    colourIntrinsics: intrinsics(r, 'colourIntrinsics', colour),
    depthToColour,
    depthUnitMm: r.number('depthUnitMm', { min: 0.01, max: 10 }),
    warmupFrames: r.number('warmupFrames', { integer: true, min: 0, max: 60 }),
    frameTimeoutMs: r.number('frameTimeoutMs', { integer: true, min: 100, max: 10_000 }),
    challengeFrames: r.number('challengeFrames', { integer: true, min: 0, max: 60 }),
    challengeIntervalMs: r.number('challengeIntervalMs', { integer: true, min: 33, max: 2000 }),
  };
  r.done();
  return out;
}

/** Validates a kiosk.json object (already merged over kioskDefaults). */
export function readKioskConfig(raw: unknown): KioskConfig {
  const r = new SectionReader(raw, 'kiosk');
  const applianceUrlRaw = r.raw('applianceUrl');
  if (typeof applianceUrlRaw !== 'string' || applianceUrlRaw.length === 0) throw new ConfigError(r.key('applianceUrl'), 'the appliance URL (https://…)', applianceUrlRaw);
  const applianceOrigin = httpOrigin(r, 'applianceUrl', applianceUrlRaw);
  const originRaw = r.optionalString('allowedOrigin');
  const allowedOrigin = originRaw === undefined ? applianceOrigin : httpOrigin(r, 'allowedOrigin', originRaw);
  if (originRaw !== undefined && new URL(originRaw).origin !== originRaw) throw new ConfigError(r.key('allowedOrigin'), 'an origin (scheme://host[:port], no path)', originRaw);
  const stationId = r.optionalString('stationId') ?? null;
  if (stationId !== null && !/^[0-9a-f]{32}$/.test(stationId)) throw new ConfigError(r.key('stationId'), 'the 32 lowercase hex characters `proofgate station add` printed, or null', stationId);
  const dataDir = r.string('dataDir', { pattern: /^\/[^\0]{0,200}$/ });

  const k = r.section('key');
  const key = {
    module: k.string('module', { pattern: /^\/[^\0]{1,200}\.so(\.\d+)*$/ }),
    tokenLabel: k.string('tokenLabel', { pattern: LABEL }),
    keyLabel: k.string('keyLabel', { pattern: LABEL }),
    pinFile: k.optionalString('pinFile') ?? null,
    pinEnv: k.string('pinEnv', { pattern: /^[A-Z_][A-Z0-9_]{0,63}$/ }),
    soPinFile: k.string('soPinFile'),
    softhsmConf: k.optionalString('softhsmConf') ?? null,
    operationTimeoutMs: k.number('operationTimeoutMs', { integer: true, min: 100, max: 60_000 }),
  };
  k.done();

  const cl = r.section('clock');
  const clock = { maxSkewSeconds: cl.number('maxSkewSeconds', { integer: true, min: 1, max: 600 }), checkTimeoutMs: cl.number('checkTimeoutMs', { integer: true, min: 100, max: 30_000 }) };
  cl.done();

  const l = r.section('listen');
  const listen = { port: l.number('port', { integer: true, min: 0, max: 65535 }), maxBodyBytes: l.number('maxBodyBytes', { integer: true, min: 256, max: 65536 }) };
  l.done();

  const s = r.section('sessions');
  const sessions = {
    ttlSeconds: s.number('ttlSeconds', { integer: true, min: 30, max: 3600 }), maxSessions: s.number('maxSessions', { integer: true, min: 1, max: 8 }),
    operatorTtlSeconds: s.number('operatorTtlSeconds', { integer: true, min: 60, max: 86400 }),
  };
  s.done();

  const camera = readCamera(r.section('camera'));

  const sc = r.section('scanner');
  const scanner = {
    device: sc.string('device', { pattern: SANE_DEVICE }),
    resolutionDpi: sc.number('resolutionDpi', { integer: true, min: 75, max: 1200 }),
    irUv: sc.oneOf('irUv', ['auto', 'off'] as const),
    extraOptions: sc.stringArray('extraOptions', { pattern: SANE_OPTION }),
    timeoutMs: sc.number('timeoutMs', { integer: true, min: 1000, max: 300_000 }),
    maxImageBytes: sc.number('maxImageBytes', { integer: true, min: 1024, max: 256 * 1024 * 1024 }),
  };
  if (scanner.extraOptions.length > 16) throw new ConfigError(sc.key('extraOptions'), 'at most 16 options', scanner.extraOptions);
  sc.done();

  const c = r.section('chip');
  const reader = c.optionalString('reader') ?? null;
  if (reader !== null && !/^[\x20-\x7e]{1,200}$/.test(reader)) throw new ConfigError(c.key('reader'), 'a printable reader name of 1 to 200 characters, or null', reader);
  const chip = { reader, timeoutMs: c.number('timeoutMs', { integer: true, min: 1000, max: 120_000 }) };
  c.done();
  r.done();
  return { applianceUrl: applianceUrlRaw, allowedOrigin, stationId, dataDir, key, clock, listen, sessions, camera, scanner, chip };
}
