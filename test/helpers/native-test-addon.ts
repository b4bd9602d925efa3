// The test addon (build/native/Release/proofgate_test.node, built from native/test/): synthetic-input
// generators that never ship in the production addon. `npm test` builds it before the suite
// (scripts/tap-summary.mjs); a focused `npx tap` run builds it here when it is absent, once, under a lock
// shared by the test processes tap runs in parallel. The defaults of every generator live here: the
// addon requires every key.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRoot } from '../../src/core/project-root.js';

const require = createRequire(import.meta.url);

export const testAddonPath = path.join(projectRoot, 'build', 'native', 'Release', 'proofgate_test.node');
const lockDir = path.join(projectRoot, 'build', 'native', '.proofgate_test.lock');
const STALE_LOCK_MS = 10 * 60_000;

export type Point = [number, number];
export type Bgr = [number, number, number];

/** What the addon's renderCard reads (native/test/render_card.cc); every key required. */
export interface TestCardSpec {
  fontPath: string;
  mrzLines: string[];
  vizLines: string[];
  cardWidthMm: number;
  cardHeightMm: number;
  pxPerMm: number;
  canvasWidth: number;
  canvasHeight: number;
  rotationDeg: number;
  /** Corner jitter as a share of the card's width. */
  perspective: number;
  /** Card width / canvas width. */
  scale: number;
  blurSigma: number;
  noiseSigma: number;
  seed: number;
  cardBgr: Bgr;
  tableBgr: Bgr;
  mrzInkBgr: Bgr;
  vizInkBgr: Bgr;
  portraitBgr: Bgr;
  /** Only the table, no card (for "document not found" tests). */
  noCard: boolean;
  /** Fractions of the card. */
  patches: Array<{ x: number; y: number; width: number; height: number; bgr: Bgr }>;
  /** x, y: fractions of the card; radius: fraction of the card's width. */
  glare: Array<{ x: number; y: number; radius: number }>;
  /** JPEG, PNG or WebP bytes pasted into the portrait area; null: a flat portraitBgr box. */
  portrait: Buffer | null;
  portraitMaxPixels: number;
  format: 'png' | 'jpeg';
  jpegQuality: number;
}

export interface Pdf417Options {
  width: number;
  height: number;
  margin: number;
  moduleScale: number;
}

interface TestAddon {
  renderCard(spec: TestCardSpec): Promise<{ image: Buffer; corners: Point[] }>;
  encodePdf417(payload: Buffer, options: Pdf417Options): Promise<Buffer>;
}

export const TEST_CARD_DEFAULTS: Omit<TestCardSpec, 'fontPath' | 'mrzLines'> = {
  vizLines: [],
  cardWidthMm: 85.6,
  cardHeightMm: 53.98,
  pxPerMm: 10,
  canvasWidth: 1280,
  canvasHeight: 960,
  rotationDeg: 0,
  perspective: 0,
  scale: 0.75,
  blurSigma: 0,
  noiseSigma: 0,
  seed: 1,
  cardBgr: [215, 225, 230],
  tableBgr: [60, 70, 80],
  mrzInkBgr: [20, 20, 20],
  vizInkBgr: [60, 40, 30],
  portraitBgr: [110, 120, 140],
  noCard: false,
  patches: [],
  glare: [],
  portrait: null,
  portraitMaxPixels: 40_000_000,
  format: 'png',
  jpegQuality: 92,
};

let loaded: TestAddon | undefined;

/** The test addon, built first when it is absent. */
export function testAddon(): TestAddon {
  if (loaded) return loaded;
  if (!existsSync(testAddonPath)) buildTestAddon();
  loaded = require(testAddonPath) as TestAddon;
  return loaded;
}

/** A synthetic document photo; `spec` overrides TEST_CARD_DEFAULTS. */
export function renderTestCard(spec: Partial<TestCardSpec> & Pick<TestCardSpec, 'fontPath'>): Promise<{ image: Buffer; corners: Point[] }> {
  return testAddon().renderCard({ ...TEST_CARD_DEFAULTS, mrzLines: [], ...spec });
}

/** A PNG of a PDF417 symbol carrying `payload` (ASCII only: zxing-cpp 1.4's writer takes UTF-8). */
export function encodeTestPdf417(payload: Buffer, options: Pdf417Options): Promise<Buffer> {
  return testAddon().encodePdf417(payload, options);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function buildTestAddon(): void {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (existsSync(testAddonPath)) return;  // another process built it meanwhile
      const lock = statSync(lockDir, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
      else sleep(500);
    }
  }
  try {
    if (existsSync(testAddonPath)) return;
    const run = spawnSync('npm', ['run', '--silent', 'build:native-test'], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (run.status !== 0 || !existsSync(testAddonPath)) {
      throw new Error(`building the test addon failed ("npm run build:native-test", status ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
