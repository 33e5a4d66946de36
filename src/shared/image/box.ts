/**
 * Box means over a (2·radius + 1)² window, normalised by the pixels inside the image (the window is
 * clipped at the borders), separable with running sums: O(width·height) whatever the radius. Used by
 * the guided filter (mask upsampling) and the foreground colour estimation. Pure; runs anywhere.
 */

/** The box mean, in place (a row or column buffer is the only allocation). */
export function boxBlurInPlace(plane: Float32Array, width: number, height: number, radius: number): void {
  if (radius < 1) return;
  const line = new Float32Array(Math.max(width, height));
  // Rows.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = 0; x < Math.min(radius, width); x++) sum += plane[row + x]!;
    for (let x = 0; x < width; x++) {
      const add = x + radius;
      const drop = x - radius - 1;
      if (add < width) sum += plane[row + add]!;
      if (drop >= 0) sum -= plane[row + drop]!;
      line[x] = sum / (Math.min(width - 1, add) - Math.max(0, x - radius) + 1);
    }
    plane.set(line.subarray(0, width), row);
  }
  // Columns.
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let y = 0; y < Math.min(radius, height); y++) sum += plane[y * width + x]!;
    for (let y = 0; y < height; y++) {
      const add = y + radius;
      const drop = y - radius - 1;
      if (add < height) sum += plane[add * width + x]!;
      if (drop >= 0) sum -= plane[drop * width + x]!;
      line[y] = sum / (Math.min(height - 1, add) - Math.max(0, y - radius) + 1);
    }
    for (let y = 0; y < height; y++) plane[y * width + x] = line[y]!;
  }
}

/** The box mean as a new plane (the input is left as it is). */
export function boxMean(src: Float32Array, width: number, height: number, radius: number): Float32Array {
  const out = Float32Array.from(src);
  boxBlurInPlace(out, width, height, radius);
  return out;
}
