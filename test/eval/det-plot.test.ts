import t from 'tap';
import { PNG } from 'pngjs';
import { detAxesFor, probit, renderDetPlot } from '../../eval/lib/det-plot.js';
import { detCurve } from '../../eval/lib/verification-metrics.js';

t.test('probit matches standard normal quantiles', async (t) => {
  t.equal(probit(0.5), 0);
  t.ok(Math.abs(probit(0.975) - 1.959963985) < 1e-8, 'upper 2.5% point');
  t.ok(Math.abs(probit(0.025) + 1.959963985) < 1e-8, 'lower 2.5% point');
  t.ok(Math.abs(probit(1e-3) + 3.090232306) < 1e-8, 'tail region');
  t.throws(() => probit(0), new RangeError('probit needs 0 < p < 1 (got 0)'));
});

t.test('the DET chart draws each curve where its rates fall on probit axes', async (t) => {
  const blue = [20, 60, 200] as const;
  const orange = [230, 120, 20] as const;
  const points = detCurve({ genuine: [0.1, 0.3, 0.5, 0.7, 0.9], impostor: [0.2, 0.4, 0.6, 0.8, 1.0] });
  const options = { title: 'DET TEST', fmrTargets: [0.01] };
  const png = PNG.sync.read(
    renderDetPlot(
      [
        { label: 'proofgate', color: blue, points, marker: { fmr: 0.2, fnmr: 0.2 } },
        { label: 'peer', color: orange, points: [{ fmr: 0.01, fnmr: 0.5 }, { fmr: 0.05, fnmr: 0.5 }] },
      ],
      options,
    ),
  );
  t.equal(png.width, 640);
  t.equal(png.height, 560);
  const axes = detAxesFor(options);
  const colourNear = (x: number, y: number, colour: readonly number[]): boolean => {
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const at = (Math.round(y + dy) * png.width + Math.round(x + dx)) * 4;
        if (colour.every((c, i) => Math.abs(png.data[at + i] - c) <= 1)) return true;
      }
    }
    return false;
  };
  t.ok(colourNear(axes.x(0.2), axes.y(0.2), blue), 'marker at the operating point (FMR 20%, FNMR 20%)');
  t.ok(colourNear(axes.x(0.4), axes.y(0.5), blue), 'curve passes (FMR 40%, FNMR 50%) between its points at FNMR 60% and 40%');
  t.ok(colourNear(axes.x(0.03), axes.y(0.5), orange), 'peer segment at FNMR 50% between FMR 1% and 5%');
  t.notOk(colourNear(axes.x(0.03), axes.y(0.05), blue), 'no curve where no point lies');
  t.same([...png.data.subarray(0, 4)], [255, 255, 255, 255], 'white background');
  t.ok(axes.x(0.01) < axes.x(0.1) && axes.y(0.01) > axes.y(0.1), 'rates grow rightwards and upwards');
  t.equal(axes.x(0), axes.x(5e-4), 'a zero rate is drawn on the axis edge');
});

t.test('a bad axis range is refused', async (t) => {
  t.throws(() => renderDetPlot([], { title: 'X', minRate: 0.5, maxRate: 0.1 }), new RangeError('DET axis range must satisfy 0 < min < max < 1 (got 0.5..0.1)'));
});
