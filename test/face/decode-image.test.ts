// Decoding and the bad-input corpus, through probeImage() (the decode stage alone, no models needed):
// formats, EXIF orientation, the pixel limit checked from the header, and typed errors for every kind
// of broken or hostile file, never a crash.
import t from 'tap';
import { FaceEngineError } from '../../src/biometrics/face-errors.js';
import { probeImage } from '../../src/biometrics/probe-image.js';
import { ProofgateError } from '../../src/core/errors.js';
import { demoPhotoBytes } from '../helpers/face-photos.js';
import {
  TINY_WEBP, encodeJpeg, encodePng, jpegHeaderOnly, noFacePicture, pngHeaderOnly, webpHeaderOnly, withExifOrientation, type Rgba,
} from '../helpers/face-images.js';

const LIMIT = 40_000_000;

async function rejection(p: Promise<unknown>): Promise<FaceEngineError> {
  try {
    await p;
  } catch (e) {
    return e as FaceEngineError;
  }
  throw new Error('expected a rejection');
}

/** A picture whose left quarter is pure red and the rest pure blue. */
function redLeftStrip(width: number, height: number): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const red = x < width / 4;
      data.set([red ? 255 : 0, 0, red ? 0 : 255, 255], i);
    }
  }
  return { width, height, data };
}

t.test('reads JPEG, PNG and WebP and reports the upright size', async (t) => {
  t.same(await probeImage(demoPhotoBytes('sample1.jpg'), LIMIT), { format: 'jpeg', width: 1920, height: 1280 });
  t.same(await probeImage(encodePng(noFacePicture(64, 48)), LIMIT), { format: 'png', width: 64, height: 48 });
  t.same(await probeImage(TINY_WEBP, LIMIT), { format: 'webp', width: 4, height: 4 });
});

t.test('honours EXIF orientation (OpenCV 4.6 imdecode applies it with IMREAD_COLOR)', async (t) => {
  const stored = encodeJpeg(redLeftStrip(80, 40));
  t.same(await probeImage(stored, LIMIT), { format: 'jpeg', width: 80, height: 40 }, 'no EXIF: as stored');
  t.same(await probeImage(withExifOrientation(stored, 1), LIMIT), { format: 'jpeg', width: 80, height: 40 }, 'orientation 1: as stored');
  t.same(await probeImage(withExifOrientation(stored, 6), LIMIT), { format: 'jpeg', width: 40, height: 80 }, 'orientation 6: turned a quarter');
  t.same(await probeImage(withExifOrientation(stored, 8), LIMIT), { format: 'jpeg', width: 40, height: 80 }, 'orientation 8: turned a quarter');
  t.same(await probeImage(withExifOrientation(stored, 3), LIMIT), { format: 'jpeg', width: 80, height: 40 }, 'orientation 3: upside down');
});

t.test('the pixel limit is enforced from the header, before decoding', async (t) => {
  const cases: [string, Buffer][] = [
    ['30000x30000 PNG header', pngHeaderOnly(30000, 30000)],
    ['30000x30000 JPEG header', jpegHeaderOnly(30000, 30000)],
    ['65535x65535 JPEG header', jpegHeaderOnly(65535, 65535)],
    ['16383x16383 WebP header', webpHeaderOnly(16383, 16383)],
    ['2^31-1 x 2^31-1 PNG header', pngHeaderOnly(0x7fffffff, 0x7fffffff)],
  ];
  for (const [label, bytes] of cases) {
    const e = await rejection(probeImage(bytes, LIMIT));
    t.type(e, FaceEngineError, label);
    t.equal(e.code, 'ERR_IMAGE_TOO_LARGE', `${label}: code`);
    t.equal(e.reason, 'ERR_IMAGE_TOO_LARGE', `${label}: native reason`);
    t.equal(e.status, 413, `${label}: status`);
    t.match(e.message, /over the limit of 40000000/, `${label}: message names the limit`);
  }
  const small = encodePng(noFacePicture(100, 100));
  const e = await rejection(probeImage(small, 5000));
  t.equal(e.code, 'ERR_IMAGE_TOO_LARGE', 'a caller-chosen lower limit applies');
  t.equal(e.message, 'image is 100x100 pixels, over the limit of 5000');
});

t.test('bad input gets a typed error, never a crash', async (t) => {
  const photo = demoPhotoBytes('sample1.jpg');
  const png = encodePng(noFacePicture(320, 240));
  const corruptHeader = Buffer.from(photo);
  corruptHeader.fill(0x00, 6, 400); // the first segment's body and what follows become zeros: no marker where one must be
  const pngBadData = Buffer.from(png);
  pngBadData.fill(0xab, 60, png.length - 20); // IDAT bytes replaced: zlib or the CRC check fails
  const cases: [string, Buffer, string, string, number][] = [
    ['zero bytes', Buffer.alloc(0), 'ERR_IMAGE_INVALID', 'ERR_IMAGE_EMPTY', 400],
    ['JPEG cut in half', photo.subarray(0, photo.length >> 1), 'ERR_IMAGE_INVALID', 'ERR_IMAGE_TRUNCATED', 400],
    ['JPEG without its last 2 bytes', photo.subarray(0, photo.length - 2), 'ERR_IMAGE_INVALID', 'ERR_IMAGE_TRUNCATED', 400],
    ['JPEG header only (first 300 bytes)', photo.subarray(0, 300), 'ERR_IMAGE_INVALID', 'ERR_IMAGE_TRUNCATED', 400],
    ['JPEG with a garbled header', corruptHeader, 'ERR_IMAGE_INVALID', 'ERR_IMAGE_DECODE', 400],
    ['JPEG SOI only', Buffer.from([0xff, 0xd8, 0xff]), 'ERR_IMAGE_INVALID', 'ERR_IMAGE_TRUNCATED', 400],
    ['PNG cut short', png.subarray(0, png.length >> 1), 'ERR_IMAGE_INVALID', 'ERR_IMAGE_DECODE', 400],
    ['PNG with corrupt image data', pngBadData, 'ERR_IMAGE_INVALID', 'ERR_IMAGE_DECODE', 400],
    ['PNG signature only', png.subarray(0, 8), 'ERR_IMAGE_INVALID', 'ERR_IMAGE_TRUNCATED', 400],
    ['WebP header without data', webpHeaderOnly(64, 64), 'ERR_IMAGE_INVALID', 'ERR_IMAGE_DECODE', 400],
    ['PDF document', Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'), 'ERR_UNSUPPORTED_MEDIA_TYPE', 'ERR_IMAGE_UNSUPPORTED', 415],
    ['plain text', Buffer.from('hello, this is not a picture'), 'ERR_UNSUPPORTED_MEDIA_TYPE', 'ERR_IMAGE_UNSUPPORTED', 415],
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary'), 'ERR_UNSUPPORTED_MEDIA_TYPE', 'ERR_IMAGE_UNSUPPORTED', 415],
    ['TIFF (OpenCV could read it; we refuse it)', Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 0, 0]), 'ERR_UNSUPPORTED_MEDIA_TYPE', 'ERR_IMAGE_UNSUPPORTED', 415],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)), 'ERR_UNSUPPORTED_MEDIA_TYPE', 'ERR_IMAGE_UNSUPPORTED', 415],
  ];
  for (const [label, bytes, code, reason, status] of cases) {
    const e = await rejection(probeImage(bytes, LIMIT));
    t.type(e, ProofgateError, `${label}: a ProofgateError`);
    t.same({ code: e.code, reason: e.reason, status: e.status }, { code, reason, status }, `${label}: ${code}/${reason}`);
  }
});

t.test('a JPEG with corrupt scan data settles (decoded or a typed error), never crashes', async (t) => {
  const photo = Buffer.from(demoPhotoBytes('sample2.jpg'));
  for (let i = 5000; i < photo.length - 5000; i += 997) photo[i] ^= 0x5a;
  const outcome = await probeImage(photo, LIMIT).then((info) => info, (e: FaceEngineError) => e);
  if (outcome instanceof Error) t.equal(outcome.code, 'ERR_IMAGE_INVALID', 'typed error');
  else t.same(outcome, { format: 'jpeg', width: 1920, height: 1367 }, 'libjpeg recovered the frame');
});

t.test('the caller\'s stack is joined to native errors', async (t) => {
  const e = await rejection(probeImage(Buffer.from('not an image'), LIMIT));
  t.match(e.stack, /^FaceEngineError \[ERR_UNSUPPORTED_MEDIA_TYPE\/ERR_IMAGE_UNSUPPORTED\]: not a JPEG, PNG or WebP image\n/);
  t.match(e.stack, /decode-image\.test\.ts/, 'points at this test file');
  t.equal((e.cause as { code?: string }).code, 'ERR_IMAGE_UNSUPPORTED', 'the native error is the cause');
});

t.test('argument checks', async (t) => {
  await t.rejects(probeImage('a string' as unknown as Buffer, LIMIT), { code: 'ERR_BAD_REQUEST', message: 'probeImage: image must be a Buffer' });
  await t.rejects(probeImage(Buffer.alloc(4), 0), { code: 'ERR_BAD_REQUEST', message: 'probeImage: maxPixels must be a positive integer' });
});
