// The injection signals, one by one, on hand-made evidence (pure), and the native thumbnail they compare on.
import t from 'tap';
import { buildConfig } from '../../src/config/index.js';
import { measureInjectionSignals, refusingSignals, type InjectionEvidence, type InjectionFrame } from '../../src/liveness/index.js';
import { meanAbsoluteDifference } from '../../src/liveness/injection-signals.js';
import { imageThumbnail } from '../../src/biometrics/image-thumbnail.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { decodeJpeg, encodeJpeg } from '../helpers/face-images.js';

const settings = buildConfig({}).liveness.injection;
const SIDE = settings.nearIdenticalFrames.thumbnailSize;
const T0 = 1_700_000_000_000;

/** A thumbnail of flat grey `level`, with a bright square at `x` (a head that moves). */
function thumb(level: number, x = 0): Uint8Array {
  const a = new Uint8Array(SIDE * SIDE).fill(level);
  for (let y = 8; y < 24; y++) for (let i = x; i < Math.min(SIDE, x + 10); i++) a[y * SIDE + i] = 220;
  return a;
}

/** A live-looking sequence: distinct frames, a moving square, a page's drifting 200 ms timer. */
function liveFrames(n = 8): InjectionFrame[] {
  const jitter = [0, 3, -2, 5, -1, 2, -4, 1, 0, 3];
  return Array.from({ length: n }, (_, i) => ({ sha256: `frame-${i}`, thumbnail: thumb(100, i * 2), capturedAt: T0 + i * 200 + jitter[i % jitter.length] }));
}

const evidence = (over: Partial<InjectionEvidence> = {}): InjectionEvidence => ({ selfieSha256: 'selfie', frames: liveFrames(), cameraLabel: 'Integrated Webcam (0bda:5689)', ...over });
const signal = (e: InjectionEvidence, name: string, s = settings) => measureInjectionSignals(e, s).find((x) => x.name === name)!;

t.test('a live-looking sequence raises nothing', async (t) => {
  const signals = measureInjectionSignals(evidence(), settings);
  t.same(signals.map((s) => [s.name, s.outcome]), [['identical-frames', 'pass'], ['near-identical-frames', 'pass'], ['frame-timing', 'pass'], ['virtual-camera', 'pass']]);
  t.same(refusingSignals(signals), []);
  for (const s of signals) t.ok(s.reason.length > 0, `${s.name} says why`);
});

t.test('identical frames: a picture repeated byte for byte', async (t) => {
  const still = liveFrames().map((f) => ({ ...f, sha256: 'same' }));
  t.match(signal(evidence({ frames: still }), 'identical-frames'), { value: 7, threshold: 1, outcome: 'fail', action: 'refuse', reason: /7 challenge frame\(s\) repeat an earlier picture byte for byte/ });
  const oneStall = liveFrames().map((f, i) => (i === 3 ? { ...f, sha256: 'frame-2' } : f));
  t.match(signal(evidence({ frames: oneStall }), 'identical-frames'), { value: 1, outcome: 'pass' }, 'one stalled frame is tolerated (maxRepeatedFrames 1)');
  const selfieAgain = liveFrames().map((f, i) => (i < 2 ? { ...f, sha256: 'selfie' } : f));
  t.match(signal(evidence({ frames: selfieAgain }), 'identical-frames'), { value: 2, outcome: 'fail' }, 'the selfie counts as an earlier picture');
  t.match(signal(evidence({ frames: [] }), 'identical-frames'), { value: null, outcome: 'not-computed' });
});

t.test('near-identical frames: a still picture with noise added', async (t) => {
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 3) - 1;
  const noisyStill = liveFrames().map((f) => ({ ...f, thumbnail: thumb(100).map((v) => v + noise()) }));
  const s = signal(evidence({ frames: noisyStill }), 'near-identical-frames');
  t.match(s, { outcome: 'fail', threshold: 1.5, reason: /never changed by 1.5 grey levels over 8 frames.*a still picture/ });
  t.ok(s.value! > 0 && s.value! < 1.5, `noise alone changes the thumbnail by ${s.value} grey levels`);
  t.match(signal(evidence(), 'near-identical-frames'), { outcome: 'pass' });
  t.ok(signal(evidence(), 'near-identical-frames').value! > 10, 'a moving head changes it by much more');
  t.match(signal(evidence({ frames: liveFrames().map((f) => ({ ...f, thumbnail: null })) }), 'near-identical-frames'), { outcome: 'not-computed' });
  t.ok(Number.isNaN(meanAbsoluteDifference(new Uint8Array(4), new Uint8Array(9))), 'sizes must agree');
});

t.test('frame timing: what a camera filmed by the page cannot produce', async (t) => {
  const at = (times: number[]) => evidence({ frames: times.map((c, i) => ({ sha256: `f${i}`, thumbnail: thumb(100, i * 3), capturedAt: T0 + c })) });
  t.match(signal(at([0, 200, 400, 600, 800]), 'frame-timing'), { outcome: 'fail', reason: /all 4 intervals are exactly 200 ms/ }, 'a script stamping start + i*200');
  t.match(signal(at([0, 200, 400, 601]), 'frame-timing'), { outcome: 'pass' }, 'three intervals are too few to call regular');
  t.match(signal(at([0, 203, 205, 410, 608]), 'frame-timing'), { value: 2, threshold: 15, outcome: 'fail', reason: /two frames 2 ms apart, less than 15 ms/ });
  t.match(signal(at([0, 203, 150, 410, 608]), 'frame-timing'), { value: -53, outcome: 'fail', reason: /frame 2 is dated before frame 1/ });
  t.match(signal(at([0, 30, 61, 95]), 'frame-timing'), { outcome: 'fail', reason: /the 4 frames span 95 ms, less than 400 ms/ });
  t.match(signal(at([0]), 'frame-timing'), { outcome: 'not-computed' });
});

t.test('virtual camera labels: the careless only (the label is the client\'s word)', async (t) => {
  for (const label of ['OBS Virtual Camera', 'ManyCam Virtual Webcam', 'XSplit VCam', 'Snap Camera', 'Dummy video device (0x0000)', 'e2eSoft iVCam', 'SplitCam Video Driver', 'CamTwist', 'fake_device_0']) {
    t.match(signal(evidence({ cameraLabel: label }), 'virtual-camera'), { outcome: 'fail', action: 'refuse', reason: /names a virtual camera/ }, label);
  }
  t.match(signal(evidence({ cameraLabel: 'FaceTime HD Camera' }), 'virtual-camera'), { outcome: 'pass' });
  t.match(signal(evidence({ cameraLabel: null }), 'virtual-camera'), { outcome: 'not-computed', reason: 'no camera label was sent' });
  t.match(signal(evidence({ cameraLabel: ' \u0007 ' }), 'virtual-camera'), { outcome: 'not-computed' }, 'control characters are not a label');
  const own = { ...settings, virtualCamera: { action: 'record' as const, labels: ['acme cam'] } };
  const recorded = signal(evidence({ cameraLabel: 'ACME Cam 3000' }), 'virtual-camera', own);
  t.match(recorded, { outcome: 'fail', action: 'record' }, 'a configured list');
  t.same(refusingSignals([recorded]), [], "'record' does not refuse");
});

t.test('the native thumbnail: greyscale, area-averaged, the same for the same picture and apart for a moved one', async (t) => {
  const photo = faceJpeg('personA', { width: 320, height: 240 });
  const a = await imageThumbnail(photo, 1 << 24, SIDE);
  t.equal(a.length, SIDE * SIDE);
  t.same(await imageThumbnail(photo, 1 << 24, SIDE), a, 'deterministic');
  const reencoded = encodeJpeg(decodeJpeg(photo), 70);
  t.ok(meanAbsoluteDifference(a, await imageThumbnail(reencoded, 1 << 24, SIDE)) < 1.5, 're-encoding the same picture stays under the near-identical threshold');
  const img = decodeJpeg(photo);
  const moved = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
    const from = (y * img.width + Math.max(0, x - 24)) * 4;
    moved.set(img.data.subarray(from, from + 4), (y * img.width + x) * 4);
  }
  const shifted = await imageThumbnail(encodeJpeg({ ...img, data: moved }), 1 << 24, SIDE);
  t.ok(meanAbsoluteDifference(a, shifted) > 3, `a picture moved by 24 px differs by ${meanAbsoluteDifference(a, shifted).toFixed(2)} grey levels`);
  await t.rejects(imageThumbnail(Buffer.from('not an image'), 1 << 24, SIDE), { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
  await t.rejects(imageThumbnail(photo.subarray(0, 600), 1 << 24, SIDE), { code: 'ERR_IMAGE_INVALID' }, 'a truncated JPEG');
  await t.rejects(imageThumbnail(photo, 1 << 24, 0), { code: 'ERR_BAD_REQUEST', message: /size must be an integer in \[1, 256\]/ });
  await t.rejects(imageThumbnail(photo, 1000, SIDE), { code: 'ERR_IMAGE_TOO_LARGE' });
});
