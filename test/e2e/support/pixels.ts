/**
 * Pictures for browser tests, made and read by Chromium itself (no image
 * library in Node): a PNG of coloured stripes, and the colours of what an
 * element shows on screen.
 */
import type { Locator, Page } from 'playwright-core';

/** An RGB colour, each channel 0–255. */
export type Rgb = [number, number, number];

interface CanvasGlobals {
  document: { createElement(tag: 'canvas'): Canvas };
  createImageBitmap(blob: unknown): Promise<{ width: number; height: number }>;
  Blob: new (parts: unknown[], opts: { type: string }) => unknown;
}
interface Canvas {
  width: number;
  height: number;
  toDataURL(type: string): string;
  getContext(kind: '2d'): {
    fillStyle: string;
    fillRect(x: number, y: number, w: number, h: number): void;
    drawImage(image: unknown, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
}

/** A PNG `width`×`height` of vertical stripes of equal width, one per CSS colour, left to right. */
export async function stripesPng(page: Page, width: number, height: number, colours: string[]): Promise<Buffer> {
  const dataUrl = await page.evaluate(
    ({ width, height, colours }) => {
      const canvas = (globalThis as unknown as CanvasGlobals).document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d');
      const band = width / colours.length;
      colours.forEach((c, i) => {
        ctx.fillStyle = c;
        ctx.fillRect(Math.round(i * band), 0, Math.ceil(band), height);
      });
      return canvas.toDataURL('image/png');
    },
    { width, height, colours },
  );
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

/**
 * The colours of an element as it shows on screen, at points given as
 * fractions of its box (x, y in 0–1), read from a screenshot of it.
 */
export async function coloursAt(element: Locator, points: Array<[number, number]>): Promise<Rgb[]> {
  const png = await element.screenshot({ animations: 'disabled' });
  return element.page().evaluate(
    async ({ bytes, points }) => {
      const g = globalThis as unknown as CanvasGlobals;
      const bitmap = await g.createImageBitmap(new g.Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const canvas = g.document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      return points.map(([fx, fy]) => {
        const x = Math.min(bitmap.width - 1, Math.floor(fx * bitmap.width));
        const y = Math.min(bitmap.height - 1, Math.floor(fy * bitmap.height));
        const d = ctx.getImageData(x, y, 1, 1).data;
        return [d[0]!, d[1]!, d[2]!] as [number, number, number];
      });
    },
    { bytes: [...png], points },
  );
}

/** Which of red, green, blue, white (or other) a colour is closest to. */
export function colourName([r, g, b]: Rgb): 'red' | 'green' | 'blue' | 'white' | 'other' {
  if (r > 200 && g < 80 && b < 80) return 'red';
  if (g > 100 && r < 80 && b < 80) return 'green';
  if (b > 200 && r < 80 && g < 80) return 'blue';
  if (r > 230 && g > 230 && b > 230) return 'white';
  return 'other';
}
