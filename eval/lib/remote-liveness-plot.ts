// The evaluation figure: one row per species (bona fide first), each sequence a mark at its
// motion-parallax value against the check's threshold (dashed line), so the margins can be read off;
// sequences where the check could not be computed (stills) sit in a separate column on the left. The
// right-hand column gives the row's n and its combined APCER (BPCER for bona fide).
import { RasterCanvas, type Rgb } from './raster-canvas.js';
import { textWidth } from './pixel-font.js';
import type { CheckFigures, SequenceOutcome } from './remote-liveness-metrics.js';

const BONA_FIDE: Rgb = [0, 150, 0];
const PALETTE: readonly Rgb[] = [[200, 0, 0], [230, 120, 0], [160, 80, 0], [220, 0, 160], [0, 90, 220], [0, 170, 220], [90, 0, 200], [120, 120, 0], [0, 0, 0]];

/**
 * `minMotionDeg`: sequences whose head moved less than this (the check's detail.motionDeg) are drawn as
 * crosses: their score was measured, but the check refused them for too little motion, not for flatness.
 */
export function renderRemoteLivenessPlot(
  outcomes: readonly SequenceOutcome[], combined: CheckFigures, check: string, caption: string, minMotionDeg: number,
): Buffer {
  const species = ['bona-fide', ...[...new Set(outcomes.filter((o) => o.label === 'attack').map((o) => o.species))].sort()];
  const colour = (s: string): Rgb => (s === 'bona-fide' ? BONA_FIDE : PALETTE[(species.indexOf(s) - 1) % PALETTE.length]);
  const rowH = 34;
  const P = { x: 290, y: 60, w: 620, h: rowH * species.length };
  const NC = { x: 200, w: 70 };
  const c = new RasterCanvas(1100, P.y + P.h + 90);
  const grey: Rgb = [90, 90, 90];
  const black: Rgb = [0, 0, 0];

  const scored = outcomes.map((o) => ({ o, c: o.checks.find((x) => x.name === check) }));
  const threshold = scored.find((s) => s.c?.threshold !== null && s.c?.threshold !== undefined)?.c?.threshold ?? null;
  const values = scored.map((s) => s.c?.value).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const xMax = niceCeiling(Math.max(threshold !== null ? 2 * threshold : 0, ...values.map((v) => v * 1.05), 1e-3));
  const px = (v: number) => P.x + (Math.max(0, Math.min(xMax, v)) / xMax) * P.w;

  c.text(20, 12, `${check.toUpperCase()} PER SEQUENCE AGAINST THE THRESHOLD`, black, 2);
  c.text(20, 36, caption.toUpperCase(), grey);
  c.strokeRect(P.x, P.y, P.w, P.h, grey);
  c.strokeRect(NC.x, P.y, NC.w, P.h, grey);
  c.text(NC.x + 4, P.y + P.h + 8, 'NOT', grey);
  c.text(NC.x + 4, P.y + P.h + 18, 'COMPUTED', grey);
  for (let i = 0; i <= 5; i++) {
    const v = (xMax * i) / 5;
    c.line(px(v), P.y + P.h, px(v), P.y + P.h + 4, grey);
    const label = formatTick(v);
    c.text(px(v) - textWidth(label, 1) / 2, P.y + P.h + 8, label, grey);
  }
  if (threshold !== null) {
    c.line(px(threshold), P.y - 6, px(threshold), P.y + P.h + 4, black, 1, [4, 4]);
    c.text(px(threshold) + 4, P.y - 10, `THRESHOLD ${formatTick(threshold)}`, black);
  }
  c.text(P.x + P.w + 14, P.y - 14, 'N   APCER/BPCER', black);

  species.forEach((s, row) => {
    const y = P.y + row * rowH + rowH / 2;
    const col = colour(s);
    c.text(12, y - 3, s.slice(0, 30).toUpperCase(), col);
    if (row > 0) c.line(NC.x, P.y + row * rowH, P.x + P.w, P.y + row * rowH, [220, 220, 220]);
    const mine = scored.filter((x) => x.o.species === s);
    mine.forEach(({ c: chk }, k) => {
      const jitter = ((k % 5) - 2) * 4;
      if (chk && typeof chk.value === 'number' && Number.isFinite(chk.value)) {
        const x = Math.round(px(chk.value));
        const motionDeg = chk.detail?.motionDeg;
        const littleMotion = chk.outcome === 'not-computed' || (typeof motionDeg === 'number' && motionDeg < minMotionDeg);
        if (chk.outcome === 'pass') c.fillRect(x - 2, y + jitter - 2, 5, 5, col);
        else if (!littleMotion) c.strokeRect(x - 2, y + jitter - 2, 4, 4, col);
        else {
          c.line(x - 2, y + jitter - 2, x + 2, y + jitter + 2, col);
          c.line(x - 2, y + jitter + 2, x + 2, y + jitter - 2, col);
        }
      } else {
        c.strokeRect(NC.x + 8 + (k % 10) * 6, y + jitter - 2, 4, 4, col);
      }
    });
    const figure = s === 'bona-fide' ? combined.bpcer : combined.apcer[s];
    const text = figure ? `${String(figure.total).padEnd(4)}${(100 * figure.rate).toFixed(1)}%` : '-';
    c.text(P.x + P.w + 14, y - 3, text, col);
  });
  c.text(20, P.y + P.h + 40, 'FILLED: PASSED  HOLLOW: FAILED AS FLAT  CROSS: TOO LITTLE HEAD MOTION TO JUDGE.  RIGHT: N AND COMBINED DECISION.', grey);
  c.text(20, P.y + P.h + 56, 'FEW SAMPLES: READ THE MARGINS, NOT THE RATES. THRESHOLDS ARE NOT TUNED ON THIS DATA.', grey);
  return c.toPng();
}

function niceCeiling(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function formatTick(v: number): string {
  if (v === 0) return '0';
  return v >= 1 ? v.toFixed(1) : v.toPrecision(2);
}
