// Capture validation: malformed depth gets a clear typed error, a well-formed PNG capture gives the
// same report as the raw frame.
import t from 'tap';
import { PNG } from 'pngjs';
import { buildConfig } from '../../src/config/index.js';
import { checkDepthFrameLiveness, checkDepthLiveness, type RgbdCapture } from '../../src/liveness/index.js';
import { encodeGrey16Png, encodeGrey8Png } from '../../src/liveness/depth-png.js';
import { rgbFrameSize } from '../../src/liveness/rgb-size.js';
import { generateSyntheticCapture } from '../../eval/synth/generate-capture.js';

const config = buildConfig({}).liveness;
// Facing the camera (yaw within 15°): near profile the nose relief cannot be measured (docs/liveness.md).
const synthetic = generateSyntheticCapture({ seed: 'capture-test', label: 'bona-fide', maxYawDeg: 15 });
const rgbPng = (w: number, h: number) => PNG.sync.write(new PNG({ width: w, height: h }));
const good = (): RgbdCapture => ({
  rgb: rgbPng(640, 480),
  depthPng: encodeGrey16Png(synthetic.depth, 640, 480),
  depthUnitMm: 1,
  intrinsics: { ...synthetic.intrinsics },
  irPng: encodeGrey8Png(synthetic.ir, 640, 480),
  nonce: 'session-nonce-0123456789',
  capturedAt: Date.now(),
});

t.test('a PNG capture gives the same report as the raw frame', async (t) => {
  const fromPng = await checkDepthLiveness(good(), synthetic.landmarks, config);
  const raw = await checkDepthFrameLiveness({
    width: 640, height: 480, depth: synthetic.depth, depthUnitMm: 1, intrinsics: synthetic.intrinsics, ir: { values: synthetic.ir, bits: 8 },
  }, synthetic.landmarks, config);
  t.same(fromPng, raw);
  t.ok(fromPng.passed);
  t.same(fromPng.checks.map((c) => c.name), [
    'validDepthFraction', 'planeResidualMm', 'planeInlierFraction', 'quadricResidualMm', 'noseProminenceMm', 'noseReliefMm',
    'outerCanthiMm', 'interPupilMm', 'foregroundRingFraction', 'irReflectance',
  ]);
  for (const c of fromPng.checks) t.match(c, { outcome: /^(pass|info)$/, unit: /^(mm|ratio)$/ }, c.name);
});

t.test('malformed captures are refused with a typed error', async (t) => {
  const reject = (patch: Partial<RgbdCapture>, code: string, message: string | RegExp) =>
    t.rejects(checkDepthLiveness({ ...good(), ...patch }, synthetic.landmarks, config), { name: 'ProofgateError', code, status: 400, message }, `${code}: ${message}`);
  const eightBit = encodeGrey8Png(new Uint8Array(640 * 480).fill(100), 640, 480);
  await reject({ depthPng: eightBit }, 'ERR_DEPTH_BIT_DEPTH', 'depth frame: 16-bit PNG expected, got 8-bit');
  await reject({ depthPng: encodeGrey16Png(new Uint16Array(640 * 480), 640, 480) }, 'ERR_DEPTH_EMPTY', 'depth frame: every pixel is 0 (no depth data)');
  await reject({ intrinsics: { ...synthetic.intrinsics, fx: Number.NaN } }, 'ERR_INTRINSICS_INVALID', 'intrinsics.fx: a finite number is required, got NaN');
  await reject({ intrinsics: { fx: 385, fy: 385, cx: 320 } as never }, 'ERR_INTRINSICS_INVALID', 'intrinsics.cy: a finite number is required, got nothing');
  await reject({ intrinsics: { fx: -1, fy: 385, cx: 320, cy: 240 } }, 'ERR_INTRINSICS_INVALID', /focal lengths must be positive/);
  await reject({ rgb: rgbPng(1280, 720) }, 'ERR_DEPTH_SIZE_MISMATCH', 'depth frame is 640x480, rgb frame is 1280x720: depth must be aligned to colour');
  await reject({ irPng: encodeGrey8Png(new Uint8Array(320 * 240), 320, 240) }, 'ERR_DEPTH_SIZE_MISMATCH', 'ir frame is 320x240, rgb frame is 640x480');
  await reject({ depthPng: Buffer.from('not a png at all, just some bytes here') }, 'ERR_DEPTH_FORMAT', 'depth frame: not a PNG file');
  await reject({ depthPng: rgbPng(640, 480) }, 'ERR_DEPTH_FORMAT', 'depth frame: greyscale PNG expected (colour type 0), got colour type 6');
  const truncated = encodeGrey16Png(synthetic.depth, 640, 480).subarray(0, 2000);
  await reject({ depthPng: truncated }, 'ERR_DEPTH_FORMAT', /depth frame: PNG does not decode/);
  await reject({ depthUnitMm: 0 }, 'ERR_DEPTH_FORMAT', 'depthUnitMm: a number in (0, 100] is required, got 0');
  await reject({ nonce: 'short' }, 'ERR_CHALLENGE_NONCE', /capture.nonce/);
});

t.test('raw frames and landmarks are validated too', async (t) => {
  const frame = { width: 640, height: 480, depth: synthetic.depth, depthUnitMm: 1, intrinsics: synthetic.intrinsics };
  await t.rejects(checkDepthFrameLiveness({ ...frame, depth: synthetic.depth.subarray(1) }, synthetic.landmarks, config), { code: 'ERR_DEPTH_SIZE_MISMATCH', message: 'depth frame: 307199 values for 640x480' });
  await t.rejects(checkDepthFrameLiveness({ ...frame, depth: new Uint8Array(640 * 480) as never }, synthetic.landmarks, config), { code: 'ERR_DEPTH_BIT_DEPTH' });
  await t.rejects(checkDepthFrameLiveness(frame, synthetic.landmarks.subarray(3), config), { code: 'ERR_LANDMARKS_INVALID', message: 'landmarks: 468x2 or 468x3 values expected, got 1401' });
  const nan = Float32Array.from(synthetic.landmarks);
  nan[10 * 3] = Number.NaN;
  await t.rejects(checkDepthFrameLiveness(frame, nan, config), { code: 'ERR_LANDMARKS_INVALID', message: 'landmarks: point 10 is not finite' });
  // Inside the sanity margin but entirely off the frame: the native check refuses it with a coded error.
  const off = Float32Array.from(synthetic.landmarks, (v, i) => (i % 3 === 0 ? v + 700 : v));
  await t.rejects(checkDepthFrameLiveness(frame, off, config), { code: 'ERR_LANDMARKS_INVALID', status: 422, message: 'depth liveness: the face landmarks lie outside the depth frame' });
});

t.test('rgb frame size comes from the PNG or JPEG header', async (t) => {
  t.same(rgbFrameSize(rgbPng(33, 17)), { width: 33, height: 17 });
  // SOI, APP0 (length 16), SOF0 with height 480 and width 640.
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...new Array(14).fill(0), 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03, ...new Array(12).fill(0)]);
  t.same(rgbFrameSize(jpeg), { width: 640, height: 480 });
  t.throws(() => rgbFrameSize(Buffer.alloc(40)), { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
});

t.test('a 16-bit IR PNG is decoded natively like an 8-bit one', async (t) => {
  const ir16 = Uint16Array.from(synthetic.ir, (v) => v * 257);
  const report8 = await checkDepthLiveness(good(), synthetic.landmarks, config);
  const report16 = await checkDepthLiveness({ ...good(), irPng: encodeGrey16Png(ir16, 640, 480) }, synthetic.landmarks, config);
  const ir = (r: typeof report8) => r.checks.find((c) => c.name === 'irReflectance')?.value ?? Number.NaN;
  t.ok(Math.abs(ir(report8) - ir(report16)) < 1e-3, `IR index 8-bit ${ir(report8)} vs 16-bit ${ir(report16)}`);
});
