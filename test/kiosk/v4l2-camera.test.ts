// The V4L2 RGB-D camera without a camera: a missing node is 'unplugged' with a remedy, a node that is not a
// capture device is refused; and the frame conversions on fixed buffers: Z16 → the appliance's 16-bit
// millimetre depth PNG aligned to the colour frame, YUYV → JPEG, short frames → 'corrupt'.
import t from 'tap';
import jpeg from 'jpeg-js';
import { decodeGreyPng } from '../../src/liveness/depth-png.js';
import { loadKioskConfig } from '../../src/kiosk/config/load-kiosk-config.js';
import { V4l2RgbdCamera, rgbdFromFrames } from '../../src/kiosk/devices/camera/v4l2-rgbd-camera.js';
import { registerDepthToColour, z16ToMillimetres } from '../../src/kiosk/devices/camera/depth-registration.js';
import { KioskDeviceError } from '../../src/kiosk/devices/device-error.js';
import { v4l2YuyvToJpeg } from '../../src/native/v4l2.js';

const base = loadKioskConfig(null, { applianceUrl: 'https://idv.contoso.example' }).camera;
const SAME = { width: 64, height: 48 };
const INTR = { fx: 60, fy: 60, cx: 32, cy: 24 };
const IDENTITY = { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translationMm: [0, 0, 0] };

t.test('a missing device node: unplugged, with what to do', async (t) => {
  const camera = new V4l2RgbdCamera({ ...base, depthDevice: '/dev/video-missing-9', colourDevice: '/dev/video-missing-8' });
  const err = await camera.captureRgbd().catch((e) => e);
  t.type(err, KioskDeviceError);
  t.match(err, { device: 'camera', code: 'unplugged', messageKey: 'kiosk.device.unplugged', message: /^cannot open \/dev\/video-missing-(9|8): No such file or directory; plug the RGB-D camera into a USB 3 port/ });
  t.same(await camera.selftest(), {
    device: 'camera', ok: false, detail: 'depth node /dev/video-missing-9: cannot open /dev/video-missing-9: No such file or directory',
    remedy: 'plug the RGB-D camera into a USB 3 port, and check that camera.depthDevice and camera.colourDevice name its nodes (v4l2-ctl --list-devices)',
  });
  t.match(await camera.captureColourFrames(3, 100).catch((e) => e), { code: 'unplugged' });
});

t.test('a node that is not a video capture device is refused by VIDIOC_QUERYCAP', async (t) => {
  const camera = new V4l2RgbdCamera({ ...base, depthDevice: '/dev/null', colourDevice: '/dev/null' });
  t.match(await camera.captureRgbd().catch((e) => e), { code: 'unplugged', message: /^\/dev\/null: VIDIOC_QUERYCAP: Inappropriate ioctl for device; point camera.depthDevice\/colourDevice at the camera's capture nodes/ });
  t.match(await camera.selftest(), { ok: false, detail: /^depth node \/dev\/null: / });
});

t.test('Z16 → millimetres, scaled by the depth unit; a short frame is refused', async (t) => {
  const z16 = Buffer.alloc(4 * 2 * 2);
  [0, 500, 1000, 65535, 7, 0, 1, 2].forEach((v, i) => z16.writeUInt16LE(v, i * 2));
  t.same([...z16ToMillimetres(z16, 4, 2, 1)], [0, 500, 1000, 65535, 7, 0, 1, 2]);
  t.same([...z16ToMillimetres(z16, 4, 2, 0.1)], [0, 50, 100, 6554, 1, 0, 0, 0]);
  t.same([...z16ToMillimetres(z16, 4, 2, 2)].slice(0, 4), [0, 1000, 2000, 0], 'past 65535 mm: no data, not a wrapped value');
  t.throws(() => z16ToMillimetres(z16.subarray(2), 4, 2, 1), /a Z16 4x2 frame holds 16 bytes, not 14/);
});

t.test('alignment: the same camera maps each pixel onto itself; a 15 mm baseline shifts a plane at 500 mm by fx·15/500 px', (t) => {
  const depth = new Uint16Array(SAME.width * SAME.height);
  depth.fill(500);
  depth[10 * SAME.width + 20] = 400; // one nearer point
  const same = registerDepthToColour(depth, SAME, INTR, SAME, INTR, IDENTITY);
  t.same([...same], [...depth]);

  const shifted = registerDepthToColour(depth, SAME, INTR, SAME, INTR, { ...IDENTITY, translationMm: [15, 0, 0] });
  const row = 30;
  const firstFilled = [...shifted.subarray(row * SAME.width, (row + 1) * SAME.width)].findIndex((z) => z !== 0);
  t.equal(firstFilled, Math.round(60 * 15 / 500), 'the plane starts 1.8 px to the right: at the first pixel centre past it, 2');
  t.equal(shifted[row * SAME.width + 40], 500);

  const centred = { fx: 60, fy: 60, cx: 31.5, cy: 23.5 }; // principal points at the image centres, so the 2x grid lines up
  const wider = registerDepthToColour(depth, SAME, centred, { width: 128, height: 96 }, { fx: 120, fy: 120, cx: 63.5, cy: 47.5 }, IDENTITY);
  t.equal(wider.filter((z) => z === 0).length, 0, 'a colour frame of twice the resolution has no holes');
  t.end();
});

t.test('YUYV → JPEG natively; a frame of the wrong length is corrupt', async (t) => {
  const width = 16, height = 8;
  const yuyv = Buffer.alloc(width * height * 2);
  for (let i = 0; i < width * height / 2; i++) yuyv.set([180, 90, 180, 200], i * 4); // Y U Y V: a reddish grey
  const out = await v4l2YuyvToJpeg(yuyv, { width, height, quality: 95 });
  const img = jpeg.decode(out, { useTArray: true });
  t.same([img.width, img.height], [width, height]);
  const [r, g, b] = img.data.subarray(4 * 20, 4 * 20 + 3);
  t.ok(r > g + 40 && r > b + 40, `red dominates (${r},${g},${b}) for V=200, U=90`);
  t.match(await v4l2YuyvToJpeg(yuyv.subarray(10), { width, height, quality: 95 }).catch((e) => e), { code: 'ERR_V4L2_CORRUPT' });
});

t.test('one Z16 and one YUYV frame → the selfie JPEG and the aligned depth PNG the appliance reads', async (t) => {
  const c = { ...base, depth: SAME, colour: SAME, depthIntrinsics: INTR, colourIntrinsics: INTR, depthToColour: IDENTITY, depthUnitMm: 1 };
  const z16 = Buffer.alloc(SAME.width * SAME.height * 2);
  for (let i = 0; i < SAME.width * SAME.height; i++) z16.writeUInt16LE(600 + (i % 7), i * 2);
  const yuyv = Buffer.alloc(SAME.width * SAME.height * 2, 128);
  const frame = await rgbdFromFrames(z16, yuyv, c, 1_780_000_000_000);
  t.match(frame, { width: 64, height: 48, intrinsics: INTR, depthUnitMm: 1, capturedAt: 1_780_000_000_000 });
  t.equal(frame.colourJpeg.subarray(0, 2).toString('hex'), 'ffd8');
  const { header, values } = decodeGreyPng(frame.depthPng, 'depth', [16], 1e6);
  t.match(header, { width: 64, height: 48, bitDepth: 16 });
  t.equal(values[5], 605);
  t.match(await rgbdFromFrames(z16.subarray(0, 100), yuyv, c, 0).catch((e) => e), { code: 'corrupt', message: 'a Z16 64x48 frame holds 6144 bytes, not 100' });
  t.match(await rgbdFromFrames(Buffer.alloc(z16.length), yuyv, c, 0).catch((e) => e), { code: 'corrupt', message: /holds no depth/ });
});

t.test('the addon itself refuses a YUYV buffer that does not hold the frame it is told of', async (t) => {
  const { createRequire } = await import('node:module');
  const { addonPath } = await import('../../src/native/addon.js');
  const raw = createRequire(import.meta.url)(addonPath) as { v4l2YuyvToJpeg(frame: Buffer, o: object): Promise<Buffer> };
  for (const [what, frame, o] of [
    ['too short', Buffer.alloc(4 * 4 * 2 - 2), { width: 4, height: 4, quality: 90 }],
    ['too long', Buffer.alloc(4 * 4 * 2 + 2), { width: 4, height: 4, quality: 90 }],
    ['odd width', Buffer.alloc(3 * 4 * 2), { width: 3, height: 4, quality: 90 }],
    ['no size', Buffer.alloc(0), { width: 0, height: 0, quality: 90 }],
  ] as const) {
    t.throws(() => raw.v4l2YuyvToJpeg(frame, o), { code: 'ERR_NATIVE_ARGUMENT', message: /width x height x 2 bytes/ }, what);
  }
});
