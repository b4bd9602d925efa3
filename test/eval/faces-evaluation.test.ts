import t from 'tap';
import { evaluateSystem, type ProbeOutcome } from '../../eval/lib/faces-evaluation.js';
import { renderCalibration, renderEvaluationTable } from '../../eval/lib/faces-report.js';
import type { ComparisonPair, LabelledImage } from '../../eval/lib/faces-dataset.js';

const image = (path: string, numFaces: number): LabelledImage => ({ path, absolutePath: `/x/${path}`, sourceSet: 's', identity: path[0], numFaces });
const images = [image('A1', 1), image('A2', 1), image('B1', 1), image('C1', 1), image('G', -1)];
// One-dimensional templates, distance |a - b|: A1-A2 0.1 (genuine), A1-B1 0.5 and A2-B1 0.4 (impostor).
// C1 yields no template, so its two pairs cannot be compared.
const probes = new Map<string, ProbeOutcome>([
  ['A1', { faceCount: 1, template: Float32Array.of(0) }],
  ['A2', { faceCount: 1, template: Float32Array.of(0.1) }],
  ['B1', { faceCount: 2, template: Float32Array.of(0.5) }],
  ['C1', { faceCount: 0, template: null }],
  ['G', { faceCount: 3, template: Float32Array.of(9) }],
]);
const pairs: ComparisonPair[] = [
  { pathA: 'A1', pathB: 'A2', same: true },
  { pathA: 'A1', pathB: 'B1', same: false },
  { pathA: 'A2', pathB: 'B1', same: false },
  { pathA: 'C1', pathB: 'A1', same: true },
  { pathA: 'C1', pathB: 'B1', same: false },
];
const distance = (a: Float32Array, b: Float32Array): number => Math.abs(a[0] - b[0]);

t.test('enrolment figures count single-face failures and group detections', async (t) => {
  const result = evaluateSystem('sys', images, pairs, probes, distance, 0.45);
  t.same(result.enrolment, {
    singleFaceImages: 4,
    failedToEnrol: 1,
    failureToEnrolRate: 0.25,
    failedPaths: ['C1'],
    extraFaceImages: 1,
    groupImages: 1,
    groupImagesSeenAsSeveral: 1,
  });
  t.same(result.comparisons, { genuine: 2, impostor: 3, genuineNotCompared: 1, impostorNotCompared: 1 });
  t.same(result.distances.genuine.map((d) => Number(d.toFixed(6))), [0.1]);
  t.same(result.distances.impostor.map((d) => Number(d.toFixed(6))), [0.5, 0.4]);
});

t.test('rates leave failed pairs out; generalized rates count them as non-matches', async (t) => {
  const result = evaluateSystem('sys', images, pairs, probes, distance, 0.45);
  const [at1e2, at1e3] = result.atFmr;
  t.equal(at1e2.resolvable, false, 'two impostors cannot resolve 1e-2');
  t.equal(Number(at1e2.point.threshold.toFixed(6)), 0.1);
  t.equal(at1e2.point.fnmr, 0);
  t.equal(at1e3.resolvable, false);
  t.equal(result.generalizedAtFmr[0].point.fnmr, 0.5, 'the C1 genuine pair is a non-match');
  t.equal(result.eer.eer, 0);
  t.same(result.atDefaultThreshold, { threshold: 0.45, fmr: 0.5, fnmr: 0, falseMatches: 1, falseNonMatches: 0 });
  t.equal(result.calibrated.falseMatches, 0);
  t.equal(result.calibrated.impostors, 2);
  t.equal(Number(result.calibrated.upTo.toFixed(6)), 0.4, 'same rates up to the nearest impostor');
  t.ok(Math.abs(result.calibrated.fmrUpper95 - (1 - Math.sqrt(0.05))) < 1e-9, 'exact 95% bound for 0 of 2');
  t.equal(evaluateSystem('sys', images, pairs, probes, distance, null).atDefaultThreshold, null);
  t.ok(result.scoreMapping.midpoint > 0.1 && result.scoreMapping.midpoint < 0.4, 'score midpoint between the genuine and the impostors');
});

t.test('the report states every figure per system', async (t) => {
  const result = evaluateSystem('sys', images, pairs, probes, distance, 0.45);
  const table = renderEvaluationTable([result], new Map([['sys', { medianMs: 12.34 }]]));
  const lines = table.split('\n');
  t.equal(lines[0], '| figure | sys |');
  t.ok(lines.includes('| failure to enrol | 1 (25.0%) |'));
  t.ok(lines.includes('| pairs compared (genuine / impostor) | 1/2 / 2/3 |'));
  t.ok(lines.includes('| FNMR @ FMR 1e-2 | not resolvable (1e-2 < 1/2); at 0 false matches: 0.0% (0/1), d <= 0.1000 |'));
  t.ok(lines.includes('| at the system default threshold | d <= 0.45: FMR 50.0% (1), FNMR 0.0% (0) |'));
  t.ok(lines.includes('| median time per image | 12.3 ms |'));
  t.ok(lines.some((line) => /^\| score mapping fit \(midpoint, steepness\) \| 0\.\d{3}, \d+\.\d \|$/.test(line)), 'score mapping row');
  const subset = renderEvaluationTable([result], new Map(), true).split('\n');
  t.notOk(subset.some((line) => line.startsWith('| failure to enrol')), 'comparisons-only table leaves out per-image rows');
  t.ok(subset.some((line) => line.startsWith('| FNMR @ FMR 1e-2')));
  t.match(renderCalibration(result), /^sys: threshold d <= 0\.1000 for FMR <= 1e-2: expected FMR 0\/2 = 0\.00% \(one-sided 95% upper bound 77\.64%\)/);
});

t.test('a system that enrols too little to compare is reported, not averaged over nothing', async (t) => {
  const none = new Map<string, ProbeOutcome>([...probes.keys()].map((k) => [k, { faceCount: 0, template: null }]));
  t.throws(
    () => evaluateSystem('blind', images, pairs, none, distance, null),
    new Error('blind: too few enrolled images to compare (0 of 2 genuine, 0 of 3 impostor pairs have both templates)'),
  );
});
