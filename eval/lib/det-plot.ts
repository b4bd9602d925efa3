// Detection error trade-off (DET) chart as a PNG: FMR against FNMR on normal-deviate (probit) axes, the
// customary scale for DET curves (Martin et al. 1997), with gridlines, tick labels and a legend.
import { RasterCanvas, type Rgb } from './raster-canvas.js';
import { GLYPH_HEIGHT, textWidth } from './pixel-font.js';

export interface DetSeries {
  readonly label: string;
  readonly color: Rgb;
  readonly points: readonly { readonly fmr: number; readonly fnmr: number }[];
  /** Operating point to mark with a square, e.g. the calibrated threshold. */
  readonly marker?: { readonly fmr: number; readonly fnmr: number };
}

export interface DetPlotOptions {
  readonly title: string;
  /** Lowest rate on both axes; zero rates are drawn on this edge. */
  readonly minRate?: number;
  readonly maxRate?: number;
  /** FMR values to mark with dashed vertical lines (e.g. the targets 1e-2 and 1e-3). */
  readonly fmrTargets?: readonly number[];
  readonly width?: number;
  readonly height?: number;
}

/** Standard normal quantile (inverse CDF), Acklam's rational approximation (relative error < 1.2e-9). */
export function probit(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probit needs 0 < p < 1 (got ${p})`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = 0.02425;
  if (p < tail || p > 1 - tail) {
    const q = Math.sqrt(-2 * Math.log(p < tail ? p : 1 - p));
    const value = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < tail ? value : -value;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

const TICKS = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8];
const INK: Rgb = [0, 0, 0];
const GRID: Rgb = [215, 215, 215];
const GUIDE: Rgb = [150, 150, 150];

/** Tick label in percent without trailing zeros: 0.001 -> "0.1", 0.2 -> "20". */
function percentLabel(rate: number): string {
  return String(Number((rate * 100).toPrecision(2)));
}

/** Pixel geometry of the plot area, exported so tests can find where a rate pair is drawn. */
export class DetAxes {
  readonly left = 70;
  readonly top = 40;
  readonly right: number;
  readonly bottom: number;
  readonly #low: number;
  readonly #high: number;
  readonly minRate: number;
  readonly maxRate: number;

  constructor(width: number, height: number, minRate: number, maxRate: number) {
    if (!(minRate > 0 && maxRate < 1 && minRate < maxRate)) throw new RangeError(`DET axis range must satisfy 0 < min < max < 1 (got ${minRate}..${maxRate})`);
    this.right = width - 20;
    this.bottom = height - 60;
    this.minRate = minRate;
    this.maxRate = maxRate;
    this.#low = probit(minRate);
    this.#high = probit(maxRate);
  }

  #fraction(rate: number): number {
    const clamped = Math.min(this.maxRate, Math.max(this.minRate, rate));
    return (probit(clamped) - this.#low) / (this.#high - this.#low);
  }

  x(fmr: number): number {
    return this.left + this.#fraction(fmr) * (this.right - this.left);
  }

  y(fnmr: number): number {
    return this.bottom - this.#fraction(fnmr) * (this.bottom - this.top);
  }
}

export function detAxesFor(options: DetPlotOptions): DetAxes {
  return new DetAxes(options.width ?? 640, options.height ?? 560, options.minRate ?? 5e-4, options.maxRate ?? 0.6);
}

export function renderDetPlot(series: readonly DetSeries[], options: DetPlotOptions): Buffer {
  const canvas = new RasterCanvas(options.width ?? 640, options.height ?? 560);
  const axes = detAxesFor(options);
  const ticks = TICKS.filter((t) => t >= axes.minRate && t <= axes.maxRate);

  for (const tick of ticks) {
    canvas.line(axes.x(tick), axes.top, axes.x(tick), axes.bottom, GRID);
    canvas.line(axes.left, axes.y(tick), axes.right, axes.y(tick), GRID);
    const label = percentLabel(tick);
    canvas.text(axes.x(tick) - textWidth(label, 1) / 2, axes.bottom + 6, label, INK);
    canvas.text(axes.left - 6 - textWidth(label, 1), axes.y(tick) - GLYPH_HEIGHT / 2, label, INK);
  }
  // FMR = FNMR: where the EER is read.
  canvas.line(axes.x(axes.minRate), axes.y(axes.minRate), axes.x(axes.maxRate), axes.y(axes.maxRate), GUIDE, 1, [2, 4]);
  for (const target of options.fmrTargets ?? []) {
    if (target < axes.minRate || target > axes.maxRate) continue;
    canvas.line(axes.x(target), axes.top, axes.x(target), axes.bottom, GUIDE, 1, [6, 4]);
  }
  canvas.strokeRect(axes.left, axes.top, axes.right - axes.left, axes.bottom - axes.top, INK);

  for (const s of series) {
    s.points.forEach((p, i) => {
      if (i === 0) return;
      const from = s.points[i - 1];
      canvas.line(axes.x(from.fmr), axes.y(from.fnmr), axes.x(p.fmr), axes.y(p.fnmr), s.color, 2);
    });
    if (s.marker) canvas.fillRect(axes.x(s.marker.fmr) - 4, axes.y(s.marker.fnmr) - 4, 9, 9, s.color);
  }

  canvas.text((canvas.width - textWidth(options.title, 2)) / 2, 12, options.title, INK, 2);
  const xTitle = 'FMR (%) - ZERO RATES ON THE AXIS EDGE';
  canvas.text((axes.left + axes.right - textWidth(xTitle, 1)) / 2, axes.bottom + 24, xTitle, INK);
  const yTitle = 'FNMR (%)';
  canvas.text(12, (axes.top + axes.bottom + textWidth(yTitle, 1)) / 2, yTitle, INK, 1, true);

  // Legend in the upper-right corner of the plot area, where DET curves rarely go.
  series.forEach((s, i) => {
    const y = axes.top + 10 + i * 14;
    const x = axes.right - 150;
    canvas.line(x, y + 3, x + 20, y + 3, s.color, 3);
    canvas.text(x + 26, y, s.label, INK);
  });
  return canvas.toPng();
}
