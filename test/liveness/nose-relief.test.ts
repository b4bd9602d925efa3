// The nose-relief depth check: a sheet bent into a cylinder, about any axis, has a straight line through
// every point and so no relief; a face's nose stands out of every chord. Fixed synthetic captures and
// exact cylinder frames, the configuration's bounds, and a nose without depth.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { checkDepthFrameLiveness } from '../../src/liveness/index.js';
import type { DepthCheckResult } from '../../src/liveness/native-depth-checks.js';
import { NOSE_TIP } from '../../src/liveness/facemesh-points.js';
import { generateSyntheticCapture, type SyntheticCapture } from '../../eval/synth/generate-capture.js';

const config = buildConfig({}).liveness;
const frameOf = (c: SyntheticCapture, depth = c.depth) => ({
  width: c.width, height: c.height, depth, depthUnitMm: c.depthUnitMm, intrinsics: c.intrinsics,
});
const relief = (checks: DepthCheckResult[]) => checks.find((x) => x.name === 'noseReliefMm');

/** Depth of a cylinder of radius r whose axis runs through the nose tip's ray at `axisDeg` in the image plane, convex toward the camera. */
function cylinderFrame(c: SyntheticCapture, radiusMm: number, axisDeg: number, atMm: number): Uint16Array {
  const { fx, fy, cx, cy } = c.intrinsics;
  const nx = c.landmarks[NOSE_TIP * 3], ny = c.landmarks[NOSE_TIP * 3 + 1];
  const across = [-Math.sin((axisDeg * Math.PI) / 180), Math.cos((axisDeg * Math.PI) / 180)];
  const depth = new Uint16Array(c.width * c.height);
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      // Distance from the axis, measured on the plane through the tip (small-angle: good to < 0.1 mm here).
      const d = (((x - nx) / fx) * across[0] + ((y - ny) / fy) * across[1]) * atMm;
      if (Math.abs(d) >= radiusMm * 0.95) continue;
      depth[y * c.width + x] = Math.round(atMm + radiusMm - Math.sqrt(radiusMm ** 2 - d * d));
    }
  }
  void cx; void cy;
  return depth;
}

t.test('live faces stand out of every chord; the threshold comes from configuration', async (t) => {
  for (let i = 0; i < 6; i++) {
    const c = generateSyntheticCapture({ seed: `test-relief-bf-${i}`, label: 'bona-fide', noiseFactor: 1 + (i % 3) / 2 });
    const report = await checkDepthFrameLiveness(frameOf(c), c.landmarks, config);
    const r = relief(report.checks);
    t.match(r, { unit: 'mm', min: config.depth.minNoseReliefMm, max: null, outcome: 'pass' }, `bona fide ${JSON.stringify(c.params)}: relief ${r?.value}`);
    t.ok(report.passed, `passes overall (failed: ${report.failed.join(', ')})`);
  }
});

// Within 0.75 m the stereo noise is small beside the threshold; farther, noise alone can lift a sheet's
// relief over it (the eval's closest calls), and nose prominence is the other gate a sheet must pass.
t.test('bent prints within 0.75 m have no relief and are refused by it', async (t) => {
  for (let i = 0; i < 6; i++) {
    const c = generateSyntheticCapture({ seed: `test-relief-curved-${i}`, label: 'print-curved', noiseFactor: 1 + (i % 3) / 2, distanceMm: [300, 750] });
    const report = await checkDepthFrameLiveness(frameOf(c), c.landmarks, config);
    const r = relief(report.checks);
    t.equal(r?.outcome, 'fail', `print-curved ${JSON.stringify(c.params)}: relief ${r?.value} below ${config.depth.minNoseReliefMm}`);
    t.ok(report.failed.includes('noseReliefMm') && !report.passed, 'refused, and noseReliefMm is among the reasons');
  }
});

t.test('an exact cylinder under a face\'s landmarks reads no relief whatever its axis (developable: a straight line through the tip)', async (t) => {
  const c = generateSyntheticCapture({ seed: 'test-relief-cylinder', label: 'bona-fide', distanceMm: [450, 550], maxYawDeg: 5 });
  const at = Number(c.params.distanceMm);
  for (const radius of [40, 60, 150]) {
    for (const axis of [0, 30, 45, 90, 120]) {
      const report = await checkDepthFrameLiveness(frameOf(c, cylinderFrame(c, radius, axis, at)), c.landmarks, config);
      const r = relief(report.checks);
      t.ok(r?.value !== null && r!.value! < 1.5 && r!.outcome === 'fail', `R ${radius} mm, axis ${axis}°: relief ${r?.value?.toFixed(2)} mm`);
    }
  }
});

t.test('a nose without depth is not computed, and so refused', async (t) => {
  const c = generateSyntheticCapture({ seed: 'test-relief-hole', label: 'bona-fide', distanceMm: [450, 550], maxYawDeg: 5 });
  const depth = Uint16Array.from(c.depth);
  const nx = Math.round(c.landmarks[NOSE_TIP * 3]), ny = Math.round(c.landmarks[NOSE_TIP * 3 + 1]);
  for (let y = ny - 12; y <= ny + 12; y++) for (let x = nx - 12; x <= nx + 12; x++) depth[y * c.width + x] = 0;
  const report = await checkDepthFrameLiveness(frameOf(c, depth), c.landmarks, config);
  t.match(relief(report.checks), { value: null, outcome: 'not-computed' });
  t.ok(report.failed.includes('noseReliefMm') && !report.passed, 'a gating check that could not be computed fails');
});

t.test('configuration: the relief keys are bounded, with messages naming the key', async (t) => {
  const depth = (d: Record<string, unknown>) => () => buildConfig({ liveness: { depth: d } });
  t.throws(depth({ noseReliefDirections: 1 }), { code: 'ERR_CONFIG', message: /liveness\.depth\.noseReliefDirections/ });
  t.throws(depth({ noseReliefDirections: 65 }), { code: 'ERR_CONFIG', message: /liveness\.depth\.noseReliefDirections/ });
  t.throws(depth({ noseReliefDirections: 2.5 }), { code: 'ERR_CONFIG', message: /liveness\.depth\.noseReliefDirections/ });
  t.throws(depth({ minNoseReliefMm: -1 }), { code: 'ERR_CONFIG', message: /liveness\.depth\.minNoseReliefMm/ });
  t.throws(depth({ noseReliefQuantile: 1.5 }), { code: 'ERR_CONFIG', message: /liveness\.depth\.noseReliefQuantile/ });
  t.throws(depth({ noseReliefInnerMm: 40, noseReliefRadiusMm: 30 }), { code: 'ERR_CONFIG', message: /liveness\.depth\.noseReliefRadiusMm: expected a value above noseReliefInnerMm/ });
  t.throws(depth({ noseReliefDirections: 4, noseReliefMinDirections: 5 }), { code: 'ERR_CONFIG', message: /liveness\.depth\.noseReliefMinDirections: expected at most noseReliefDirections \(4\)/ });
  t.equal(buildConfig({ liveness: { depth: { minNoseReliefMm: 7 } } }).liveness.depth.minNoseReliefMm, 7, 'an operator can move the threshold');
});
