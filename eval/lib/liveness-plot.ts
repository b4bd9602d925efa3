// The evaluation figure: left, each capture's nose prominence against its outer-canthi distance, coloured
// by species, with the threshold lines; right, APCER per species (depth only and with IR) and BPCER.
import { RasterCanvas, type Rgb } from './raster-canvas.js';
import type { LivenessFigures, LivenessOutcome } from './liveness-metrics.js';

const COLOURS: Record<string, Rgb> = {
  'bona-fide': [0, 150, 0], 'print-flat': [200, 0, 0], 'print-tilted': [230, 120, 0], 'print-curved': [160, 80, 0],
  'print-eye-holes': [220, 0, 160], 'replay-phone': [0, 90, 220], 'replay-tablet': [0, 170, 220], 'replay-monitor': [90, 0, 200],
  'mask-rigid-3d': [0, 0, 0],
};
const colourOf = (label: string): Rgb => COLOURS[label] ?? [120, 120, 120];

export function renderLivenessPlot(
  outcomes: readonly LivenessOutcome[], depthOnly: LivenessFigures, withIr: LivenessFigures,
  thresholds: { minNose: number; minCanthi: number; maxCanthi: number },
): Buffer {
  const c = new RasterCanvas(1200, 560);
  const grey: Rgb = [90, 90, 90];
  // Left panel: scatter.
  const L = { x: 70, y: 40, w: 480, h: 440 };
  const xr = [-10, 50], yr = [0, 150];
  const px = (v: number) => L.x + ((Math.max(xr[0], Math.min(xr[1], v)) - xr[0]) / (xr[1] - xr[0])) * L.w;
  const py = (v: number) => L.y + L.h - ((Math.max(yr[0], Math.min(yr[1], v)) - yr[0]) / (yr[1] - yr[0])) * L.h;
  c.strokeRect(L.x, L.y, L.w, L.h, grey);
  c.text(L.x, 12, 'NOSE PROMINENCE (MM) VS OUTER CANTHI (MM)', [0, 0, 0], 2);
  for (let v = -10; v <= 50; v += 10) c.text(px(v) - 6, L.y + L.h + 6, String(v), grey);
  for (let v = 0; v <= 150; v += 25) c.text(L.x - 26, py(v) - 3, String(v), grey);
  c.line(px(thresholds.minNose), L.y, px(thresholds.minNose), L.y + L.h, [0, 0, 0], 1, [4, 4]);
  c.line(L.x, py(thresholds.minCanthi), L.x + L.w, py(thresholds.minCanthi), [0, 0, 0], 1, [4, 4]);
  c.line(L.x, py(thresholds.maxCanthi), L.x + L.w, py(thresholds.maxCanthi), [0, 0, 0], 1, [4, 4]);
  for (const o of outcomes) {
    const nose = o.values.noseProminenceMm;
    const canthi = o.values.outerCanthiMm;
    if (nose === null || canthi === null || nose === undefined || canthi === undefined) continue;
    c.fillRect(Math.round(px(nose)) - 1, Math.round(py(canthi)) - 1, 3, 3, colourOf(o.label));
  }
  // Right panel: bars.
  const R = { x: 640, y: 40, w: 520, h: 360 };
  c.text(R.x, 12, 'APCER PER SPECIES / BPCER (0-100%)', [0, 0, 0], 2);
  c.strokeRect(R.x, R.y, R.w, R.h, grey);
  const rows = [...Object.keys(depthOnly.apcer).map((s) => ({ name: s, a: depthOnly.apcer[s].rate, b: withIr.apcer[s]?.rate ?? 0 })),
    { name: 'BPCER', a: depthOnly.bpcer.rate, b: withIr.bpcer.rate }];
  const rowH = R.h / rows.length;
  rows.forEach((r, i) => {
    const y = R.y + i * rowH + 4;
    const colour = r.name === 'BPCER' ? COLOURS['bona-fide'] : colourOf(r.name);
    c.text(R.x + 4, y + 2, r.name.toUpperCase(), colour);
    c.fillRect(R.x + 150, y, Math.max(1, Math.round(r.a * (R.w - 160))), 10, colour);
    c.strokeRect(R.x + 150, y + 13, Math.max(1, Math.round(r.b * (R.w - 160))), 8, colour);
    c.text(R.x + R.w - 120, y + 2, `${(100 * r.a).toFixed(1)}% / ${(100 * r.b).toFixed(1)}%`, [0, 0, 0]);
  });
  c.text(R.x, R.y + R.h + 10, 'FILLED: DEPTH ONLY   OUTLINE: DEPTH + IR', [0, 0, 0]);
  // Legend.
  Object.entries(COLOURS).forEach(([name, colour], i) => {
    const x = 70 + (i % 5) * 220;
    const y = 510 + Math.floor(i / 5) * 16;
    c.fillRect(x, y, 8, 8, colour);
    c.text(x + 12, y, name.toUpperCase(), colour);
  });
  return c.toPng();
}
