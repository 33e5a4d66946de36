/** Background compositing of a cutout (straight, not premultiplied, RGBA). Pure; runs anywhere. */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export type Background =
  | { kind: 'transparent' }
  | { kind: 'color'; color: string }
  /** The photo's own background, blurred (a portrait look); radius as a fraction of the output's longer side. */
  | { kind: 'blur'; radius: number }
  /** An image of the person's, scaled to cover the output. */
  | { kind: 'image'; image: Blob };

/** Composites `rgba` over an opaque colour, in place: result alpha is 255 everywhere. */
export function flattenOnto(rgba: Uint8ClampedArray, background: Rgb): Uint8ClampedArray {
  for (let i = 0; i < rgba.length; i += 4) {
    const alpha = (rgba[i + 3] ?? 0) / 255;
    const rest = 1 - alpha;
    rgba[i] = (rgba[i] ?? 0) * alpha + background.r * rest;
    rgba[i + 1] = (rgba[i + 1] ?? 0) * alpha + background.g * rest;
    rgba[i + 2] = (rgba[i + 2] ?? 0) * alpha + background.b * rest;
    rgba[i + 3] = 255;
  }
  return rgba;
}

/** Parses `#rgb` or `#rrggbb` (what <input type=color> and users type). */
export function parseHexColor(text: string): Rgb | undefined {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  const hex = match?.[1];
  if (!hex) return undefined;
  const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join('') : hex;
  return {
    r: Number.parseInt(full.slice(0, 2), 16),
    g: Number.parseInt(full.slice(2, 4), 16),
    b: Number.parseInt(full.slice(4, 6), 16),
  };
}
