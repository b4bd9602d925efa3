// Whether scanner output is a whole PNG: the signature, an IHDR with a sane size, every chunk inside the
// bytes, and IEND last. A scan cut short (the device pulled mid-page, scanimage killed) fails here rather
// than reaching the appliance as a truncated image.
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function checkPngStructure(png: Buffer, maxPixels: number): { width: number; height: number } | { problem: string } {
  if (png.length < 8 + 25 || !png.subarray(0, 8).equals(SIGNATURE)) return { problem: `not a PNG (${png.length} bytes)` };
  if (png.readUInt32BE(8) !== 13 || png.toString('latin1', 12, 16) !== 'IHDR') return { problem: 'the PNG does not start with IHDR' };
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (width === 0 || height === 0 || width * height > maxPixels) return { problem: `the PNG is ${width}x${height} pixels` };
  let at = 8;
  let sawData = false;
  for (let chunks = 0; chunks < 100_000; chunks++) {
    if (at + 12 > png.length) return { problem: `the PNG is cut short at byte ${at} of ${png.length}` };
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > png.length) return { problem: `the PNG's ${type} chunk runs past the end (cut short)` };
    if (type === 'IDAT') sawData = true;
    at += 12 + length;
    if (type === 'IEND') {
      if (!sawData) return { problem: 'the PNG has no image data' };
      return at === png.length ? { width, height } : { problem: 'bytes follow the PNG\'s end' };
    }
  }
  return { problem: 'the PNG has too many chunks' };
}
