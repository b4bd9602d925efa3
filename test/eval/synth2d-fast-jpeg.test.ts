// The generator's 4:2:0 JPEG encoder writes files a standard decoder (jpeg-js) reads back at the right
// size and close to the original, at sizes that are not multiples of the 16-pixel macroblock too.
import t from 'tap';
import { decodeRgbImage } from '../../eval/lib/rgb-image.js';
import { encodeJpeg420 } from '../../eval/synth2d/fast-jpeg.js';

function testImage(width: number, height: number) {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      rgb[o] = (x * 255) / width;
      rgb[o + 1] = (y * 255) / height;
      rgb[o + 2] = 128 + 100 * Math.sin(x / 9) * Math.cos(y / 13);
    }
  }
  return { width, height, rgb };
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / a.length));
}

t.test('round trip through a standard decoder', async (t) => {
  for (const [w, h] of [[64, 48], [37, 23], [1, 1]] as const) {
    const image = testImage(w, h);
    const decoded = decodeRgbImage(encodeJpeg420(image, 90));
    t.same([decoded.width, decoded.height], [w, h], `${w}x${h}: size kept`);
    if (w > 1) t.ok(psnr(image.rgb, decoded.rgb) > 30, `${w}x${h}: PSNR ${psnr(image.rgb, decoded.rgb).toFixed(1)} dB`);
  }
});

t.test('lower quality, smaller file', async (t) => {
  const image = testImage(160, 120);
  t.ok(encodeJpeg420(image, 50).length < encodeJpeg420(image, 95).length);
});

t.test('refuses sizes JPEG cannot hold', async (t) => {
  t.throws(() => encodeJpeg420({ width: 0, height: 10, rgb: new Uint8Array(0) }, 80), RangeError);
});
