import t from 'tap';
import { PNG } from 'pngjs';
import { cropRgbImage, decodeRgbImage, encodeJpeg, type RgbImage } from '../../eval/lib/rgb-image.js';
import { median, percentile } from '../../eval/lib/latency-stats.js';

// A 16x8 image: left half red, right half blue.
function twoTone(): RgbImage {
  const width = 16;
  const height = 8;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rgb.set(x < 8 ? [220, 20, 20] : [20, 20, 220], (y * width + x) * 3);
  }
  return { width, height, rgb };
}

t.test('PNG decodes to packed RGB, grey expanded and alpha dropped', async (t) => {
  const png = new PNG({ width: 2, height: 1 });
  png.data.set([10, 20, 30, 255, 40, 50, 60, 0]);
  const decoded = decodeRgbImage(PNG.sync.write(png));
  t.same([decoded.width, decoded.height, ...decoded.rgb], [2, 1, 10, 20, 30, 40, 50, 60]);
  const grey = decodeRgbImage(PNG.sync.write(png, { colorType: 0 }));
  t.equal(grey.rgb[0], grey.rgb[1], 'grey PNG gives equal channels');
});

t.test('JPEG round trip keeps colours within compression tolerance; crops are exact', async (t) => {
  const decoded = decodeRgbImage(encodeJpeg(twoTone(), 95));
  t.equal(decoded.width, 16);
  t.equal(decoded.height, 8);
  const at = (x: number, y: number): number[] => [...decoded.rgb.subarray((y * 16 + x) * 3, (y * 16 + x) * 3 + 3)];
  t.ok(at(2, 4).every((v, i) => Math.abs(v - [220, 20, 20][i]) <= 12), `red stays red: ${at(2, 4)}`);
  t.ok(at(13, 4).every((v, i) => Math.abs(v - [20, 20, 220][i]) <= 12), `blue stays blue: ${at(13, 4)}`);
  const crop = cropRgbImage(twoTone(), 6, 2, 4, 3);
  t.same([crop.width, crop.height], [4, 3]);
  t.same([...crop.rgb.subarray(0, 3)], [220, 20, 20]);
  t.same([...crop.rgb.subarray(9, 12)], [20, 20, 220]);
  t.same([cropRgbImage(twoTone(), -5, -5, 8, 8).width], [3], 'clamped to the image');
  t.throws(() => cropRgbImage(twoTone(), 20, 0, 4, 4), new RangeError('crop 20,0 4x4 lies outside the 16x8 image'));
});

t.test('bytes that are neither JPEG nor PNG are refused', async (t) => {
  t.throws(() => decodeRgbImage(Buffer.from('GIF89a')), new TypeError('image is neither JPEG nor PNG'));
});

t.test('percentile is nearest-rank and median averages the middle pair', async (t) => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
  t.equal(percentile(hundred, 99), 99);
  t.equal(percentile(hundred, 50), 50);
  t.equal(percentile([5], 99), 5);
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.ok(Number.isNaN(median([])));
});
