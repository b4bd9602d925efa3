import t from 'tap';
import { parseCaptureEnvelope, parseRawCapture } from '../../src/verification/http/parse-capture-body.js';

const limits = { maxImageBytes: 1000, maxCapturesPerEnvelope: 3 };
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 1)]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(60, 2)]);
const webp = Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(40, 3)]);
const b64 = (b: Buffer) => b.toString('base64');

t.test('raw bodies: one selfie of the declared type', async (t) => {
  t.match(parseRawCapture(jpeg, 'image/jpeg', limits), [{ kind: 'selfie', mediaType: 'image/jpeg', meta: null }]);
  t.match(parseRawCapture(png, 'image/png; charset=binary', limits), [{ mediaType: 'image/png' }]);
  t.match(parseRawCapture(webp, 'IMAGE/WEBP', limits), [{ mediaType: 'image/webp' }]);
  t.throws(() => parseRawCapture(jpeg, 'text/plain', limits), { code: 'ERR_UNSUPPORTED_MEDIA_TYPE', status: 415 });
  t.throws(() => parseRawCapture(jpeg, undefined, limits), { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
  t.throws(() => parseRawCapture(undefined, 'image/jpeg', limits), { code: 'ERR_BAD_REQUEST', message: 'image body is missing' });
  t.throws(() => parseRawCapture(Buffer.alloc(0), 'image/jpeg', limits), { code: 'ERR_IMAGE_INVALID', message: 'image is empty' });
  t.throws(() => parseRawCapture(png, 'image/jpeg', limits), { code: 'ERR_IMAGE_INVALID', message: 'image is not a JPEG image', status: 400 });
  t.throws(() => parseRawCapture(Buffer.concat([jpeg, Buffer.alloc(1000)]), 'image/jpeg', limits), { code: 'ERR_IMAGE_TOO_LARGE', status: 413 });
});

t.test('envelopes: a selfie plus kiosk captures', async (t) => {
  const out = parseCaptureEnvelope({ captures: [
    { kind: 'selfie', mediaType: 'image/jpeg', data: b64(jpeg) },
    { kind: 'depth', mediaType: 'image/png', data: b64(png), meta: { depthUnitMm: 1, nonce: 'n' } },
    { kind: 'document-front', mediaType: 'image/png', data: b64(png) },
  ] }, limits);
  t.equal(out.length, 3);
  t.same(out[0].bytes, jpeg);
  t.same(out[1].meta, { depthUnitMm: 1, nonce: 'n' }, 'meta passes through; liveness-captures.ts judges it');
  t.equal(out[2].kind, 'document-front');
  const frames = parseCaptureEnvelope({ captures: [
    { kind: 'selfie', mediaType: 'image/jpeg', data: b64(jpeg) },
    { kind: 'challenge-frame', mediaType: 'image/webp', data: b64(webp), meta: { capturedAt: 1, nonce: 'n' } },
    { kind: 'ir', mediaType: 'image/png', data: b64(png) },
  ] }, limits);
  t.same(frames.map((c) => c.kind), ['selfie', 'challenge-frame', 'ir']);
});

t.test('envelopes: every malformed shape gets a message naming the field', async (t) => {
  const selfie = { kind: 'selfie', mediaType: 'image/jpeg', data: b64(jpeg) };
  const cases: Array<[unknown, string | RegExp, string?]> = [
    [null, 'envelope must be a JSON object'],
    [[], 'envelope must be a JSON object'],
    [{ captures: [] }, 'envelope.captures must be a non-empty array'],
    [{ captures: [selfie], extra: 1 }, 'envelope has an unknown field "extra"'],
    [{ captures: [selfie, selfie, selfie, selfie] }, 'envelope.captures holds 4 items; at most 3 are accepted'],
    [{ captures: [selfie, selfie] }, 'envelope must hold exactly one selfie (found 2)'],
    [{ captures: [{ ...selfie, kind: 'challenge-frame' }] }, 'envelope must hold exactly one selfie (found 0)'],
    [{ captures: [selfie, { ...selfie, kind: 'depth', mediaType: 'application/octet-stream' }] }, 'captures[1].mediaType must be image/png (a greyscale PNG) for depth', 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    [{ captures: [selfie, { ...selfie, kind: 'ir' }] }, 'captures[1].mediaType must be image/png (a greyscale PNG) for ir', 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    [{ captures: ['x'] }, 'captures[0] must be an object'],
    [{ captures: [{ ...selfie, kind: 'retina' }] }, /^captures\[0\]\.kind must be one of selfie, depth/],
    [{ captures: [{ ...selfie, mediaType: 'image/gif' }] }, 'captures[0].mediaType must be one of image/jpeg, image/png, image/webp', 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    [{ captures: [{ ...selfie, mediaType: 'application/octet-stream' }] }, 'captures[0].mediaType must be one of image/jpeg, image/png, image/webp', 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    [{ captures: [{ ...selfie, data: 'not base64!' }] }, 'captures[0].data must be non-empty standard base64'],
    [{ captures: [{ ...selfie, data: '' }] }, 'captures[0].data must be non-empty standard base64'],
    [{ captures: [{ ...selfie, data: b64(png) }] }, 'captures[0] is not a JPEG image', 'ERR_IMAGE_INVALID'],
    [{ captures: [{ ...selfie, data: b64(Buffer.concat([jpeg, Buffer.alloc(2000)])) }] }, 'captures[0] is larger than 1000 bytes', 'ERR_IMAGE_TOO_LARGE'],
    [{ captures: [{ ...selfie, meta: 'x' }] }, 'captures[0].meta must be an object of at most 4096 characters of JSON'],
    [{ captures: [{ ...selfie, meta: { blob: 'x'.repeat(5000) } }] }, 'captures[0].meta must be an object of at most 4096 characters of JSON'],
    [{ captures: [{ ...selfie, colour: 'red' }] }, 'captures[0] has an unknown field "colour"'],
  ];
  for (const [body, message, code] of cases) {
    t.throws(() => parseCaptureEnvelope(body, limits), { message, code: code ?? 'ERR_BAD_REQUEST' }, String(message));
  }
});
