import t from 'tap';
import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { MrzImageReader, measureDocument, DocumentImageError } from '../../src/documents/imaging/index.js';
import { readAamvaBarcode } from '../../src/documents/aamva/index.js';
import { renderCard, testConfig } from '../helpers/documents-imaging/cards.js';

const config = testConfig();
const reader = await MrzImageReader.load(config.imaging);
const { image: good } = await renderCard();

/** A PNG whose header declares width x height but carries one tiny IDAT. */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32 ? zlib.crc32(body) : 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(10))), chunk('IEND', Buffer.alloc(0))]);
}

/** A real, decodable PNG of the given size (grey noise). */
function pngOfSize(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) & 0xff;
  return PNG.sync.write(png);
}

const inputs: Array<{ name: string; image: Buffer; code: string; reason?: string }> = [
  { name: 'empty', image: Buffer.alloc(0), code: 'ERR_IMAGE_INVALID', reason: 'ERR_IMAGE_EMPTY' },
  { name: 'not an image', image: Buffer.from('%PDF-1.7 definitely not a picture'), code: 'ERR_UNSUPPORTED_MEDIA_TYPE', reason: 'ERR_IMAGE_UNSUPPORTED' },
  { name: 'truncated PNG', image: good.subarray(0, 200), code: 'ERR_IMAGE_INVALID' },
  { name: 'a sliver 4000x8 (no document fits)', image: pngOfSize(4000, 8), code: 'ERR_IMAGE_INVALID', reason: 'ERR_IMAGE_SHAPE' },
  { name: 'tiny 16x16', image: pngOfSize(16, 16), code: 'ERR_IMAGE_INVALID', reason: 'ERR_IMAGE_SHAPE' },
  { name: 'huge declared size', image: pngDeclaring(100_000, 100_000), code: 'ERR_IMAGE_TOO_LARGE', reason: 'ERR_IMAGE_TOO_LARGE' },
];

for (const input of inputs) {
  t.test(`${input.name}: typed error from every entry point`, async (t) => {
    for (const [what, run] of [
      ['readMrz', () => reader.read(input.image)],
      ['measureDocument', () => measureDocument(input.image, config.imaging)],
      ['readAamvaBarcode', () => readAamvaBarcode(input.image, config.imaging)],
    ] as const) {
      const err = await (run as () => Promise<unknown>)().then(() => null, (e: unknown) => e);
      t.ok(err instanceof DocumentImageError, `${what} rejects with DocumentImageError`);
      t.equal((err as DocumentImageError).code, input.code, `${what} code`);
      if (input.reason) t.equal((err as DocumentImageError).reason, input.reason, `${what} native reason`);
      t.match((err as Error).stack ?? '', /bad-input\.test\.ts/, `${what}: the stack is the caller's`);
    }
  });
}

t.test('a non-Buffer is a bad request, not a crash', async (t) => {
  await t.rejects(reader.read('nope' as unknown as Buffer), { code: 'ERR_BAD_REQUEST' });
});

t.test('the reader still works after the failures (nothing left behind)', async (t) => {
  const read = await reader.read(good);
  t.equal(read.found, true);
});
