// A minimal RGBA raster for evaluation charts: lines, rectangles and 5x7 text, written out with pngjs.
import { PNG } from 'pngjs';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './pixel-font.js';

export type Rgb = readonly [number, number, number];

export class RasterCanvas {
  readonly width: number;
  readonly height: number;
  readonly #rgba: Buffer;

  constructor(width: number, height: number, background: Rgb = [255, 255, 255]) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`canvas size must be positive integers (got ${width}x${height})`);
    }
    this.width = width;
    this.height = height;
    this.#rgba = Buffer.alloc(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel; coordinates outside the canvas are ignored so callers can draw past the edges. */
  setPixel(x: number, y: number, color: Rgb): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const at = (py * this.width + px) * 4;
    this.#rgba[at] = color[0];
    this.#rgba[at + 1] = color[1];
    this.#rgba[at + 2] = color[2];
    this.#rgba[at + 3] = 255;
  }

  pixel(x: number, y: number): Rgb {
    const at = (y * this.width + x) * 4;
    return [this.#rgba[at], this.#rgba[at + 1], this.#rgba[at + 2]];
  }

  fillRect(x: number, y: number, width: number, height: number, color: Rgb): void {
    for (let py = Math.max(0, Math.floor(y)); py < Math.min(this.height, Math.ceil(y + height)); py++) {
      for (let px = Math.max(0, Math.floor(x)); px < Math.min(this.width, Math.ceil(x + width)); px++) {
        this.setPixel(px, py, color);
      }
    }
  }

  /**
   * A straight line of the given thickness. `dash` = [on, off] lengths in pixels draws it dashed.
   * Steps one pixel along the longer axis and stamps a square of side `thickness` at each step.
   */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1, dash?: readonly [number, number]): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const half = (thickness - 1) / 2;
    for (let i = 0; i <= steps; i++) {
      if (dash && i % (dash[0] + dash[1]) >= dash[0]) continue;
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      this.fillRect(Math.round(x - half), Math.round(y - half), thickness, thickness, color);
    }
  }

  strokeRect(x: number, y: number, width: number, height: number, color: Rgb): void {
    this.line(x, y, x + width, y, color);
    this.line(x + width, y, x + width, y + height, color);
    this.line(x + width, y + height, x, y + height, color);
    this.line(x, y + height, x, y, color);
  }

  /** Text with its top-left corner at (x, y); `vertical` writes bottom-to-top (for a y-axis title). */
  text(x: number, y: number, text: string, color: Rgb, scale = 1, vertical = false): void {
    [...text].forEach((char, index) => {
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let column = 0; column < GLYPH_WIDTH; column++) {
          if (!glyphPixel(char, column, row)) continue;
          const along = index * GLYPH_ADVANCE + column;
          const px = vertical ? x + row * scale : x + along * scale;
          const py = vertical ? y - along * scale - scale : y + row * scale;
          this.fillRect(px, py, scale, scale, color);
        }
      }
    });
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    this.#rgba.copy(png.data);
    return PNG.sync.write(png);
  }
}
