import t from 'tap';
import { fitScoreMapping } from '../../eval/lib/score-calibration.js';

t.test('mirror-image classes put the midpoint on the mirror', async (t) => {
  // Impostor distances are the genuine ones reflected about 0.6, with equal counts and equal weights.
  const genuine = [0.3, 0.45, 0.5, 0.62, 0.7];
  const fit = fitScoreMapping({ genuine, impostor: genuine.map((d) => 1.2 - d) });
  t.ok(Math.abs(fit.midpoint - 0.6) < 1e-9, `midpoint ${fit.midpoint}`);
  t.ok(fit.steepness > 0, 'score falls as distance grows');
});

t.test('the fit follows shifts, weights the classes equally and stays finite when they separate', async (t) => {
  const genuine = [0.3, 0.4, 0.5, 0.55];
  const impostor = [0.5, 0.65, 0.7, 0.8, 0.9];
  const base = fitScoreMapping({ genuine, impostor });
  const shifted = fitScoreMapping({ genuine: genuine.map((d) => d + 0.1), impostor: impostor.map((d) => d + 0.1) });
  t.ok(Math.abs(shifted.midpoint - base.midpoint - 0.1) < 1e-9, 'midpoint moves with the data');
  t.ok(Math.abs(shifted.steepness - base.steepness) < 1e-6, 'steepness does not');
  // Fully separated classes (genuine 0.2..0.345, impostor 0.805..0.95): plain maximum likelihood would
  // diverge; the smoothed targets give a finite fit centred on the gap.
  const separatedGenuine = Array.from({ length: 30 }, (_, i) => 0.2 + i * 0.005);
  const separable = fitScoreMapping({ genuine: separatedGenuine, impostor: separatedGenuine.map((d) => 1.15 - d) });
  t.ok(Number.isFinite(separable.steepness) && separable.steepness > base.steepness, `finite and steeper: ${separable.steepness}`);
  t.ok(Math.abs(separable.midpoint - 0.575) < 1e-9, 'midpoint half-way across the gap');
});

t.test('degenerate inputs are refused', async (t) => {
  t.throws(() => fitScoreMapping({ genuine: [Infinity], impostor: [0.5] }), new RangeError('a score mapping needs finite genuine and impostor distances (got 0 and 1)'));
  t.throws(() => fitScoreMapping({ genuine: [0.5], impostor: [0.5] }), new RangeError('score mapping fit failed: all distances are equal'));
});
