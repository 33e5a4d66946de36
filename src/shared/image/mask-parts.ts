/**
 * The separate parts of a model mask, and which of them to keep (issue 12: small subjects next to a
 * large distractor). Pure; runs anywhere (the engine worker applies it to each pass's mask).
 *
 * IS-Net sometimes marks a second, unrelated object as well as the subject: a lemur and a sailing
 * boat behind it, a toy bear and two people on the beach. The background objects are out of focus, so
 * the model is less sure of them: a smaller share of their pixels is confidently subject. When a mask
 * has several large separate parts, the ones markedly less confident than the most confident part are
 * dropped, with the soft fringe around them. Measured on eval-dev (BENCH.md, issue 12): small subjects
 * found 6 → 7 of 12, the 9 photos unchanged.
 */

/** A mask value from which a pixel counts as subject (probability ≥ 0.5). */
export const SUBJECT_LEVEL = 128;
/** A mask value from which a pixel counts as confidently subject (probability ≥ 0.9). */
export const CONFIDENT_LEVEL = 230;

export interface PartOptions {
  /** Parts smaller than this share of the region (hair strands, specks) are never judged or dropped. */
  minShare: number;
  /** A part is dropped when its confident share is below the best part's by more than this. */
  tolerance: number;
}

export const DEFAULT_PART_OPTIONS: PartOptions = { minShare: 0.005, tolerance: 0.05 };

/** Where in the mask the photo lies (the letterbox padding is not looked at). */
export interface MaskRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MaskPart {
  /** Label in `MaskParts.labels` (1-based; 0 is background). */
  label: number;
  /** Pixels at or above SUBJECT_LEVEL. */
  area: number;
  /** Share of those pixels at or above CONFIDENT_LEVEL. */
  confidentShare: number;
}

export interface MaskParts {
  /** Per pixel of the whole mask: the part's label, 0 outside every part. */
  labels: Int32Array;
  parts: MaskPart[];
}

/** Calls `visit` with each of the (up to) four neighbours of `index` that lie inside `region`. */
function forEachNeighbour(index: number, width: number, region: MaskRegion, visit: (neighbour: number) => void): void {
  const x = index % width;
  const y = (index - x) / width;
  if (x > region.x) visit(index - 1);
  if (x < region.x + region.width - 1) visit(index + 1);
  if (y > region.y) visit(index - width);
  if (y < region.y + region.height - 1) visit(index + width);
}

/** Four-connected parts of the mask's subject pixels inside `region`, largest first. */
export function maskParts(mask: ArrayLike<number>, width: number, region: MaskRegion): MaskParts {
  const labels = new Int32Array(mask.length);
  const parts: MaskPart[] = [];
  const stack: number[] = [];
  const right = region.x + region.width;
  const bottom = region.y + region.height;
  for (let y = region.y; y < bottom; y++) {
    for (let x = region.x; x < right; x++) {
      const start = y * width + x;
      if ((mask[start] ?? 0) < SUBJECT_LEVEL || labels[start] !== 0) continue;
      const label = parts.length + 1;
      let area = 0;
      let confident = 0;
      labels[start] = label;
      stack.push(start);
      while (stack.length > 0) {
        const index = stack.pop()!;
        area++;
        if ((mask[index] ?? 0) >= CONFIDENT_LEVEL) confident++;
        forEachNeighbour(index, width, region, (next) => {
          if (labels[next] === 0 && (mask[next] ?? 0) >= SUBJECT_LEVEL) {
            labels[next] = label;
            stack.push(next);
          }
        });
      }
      parts.push({ label, area, confidentShare: confident / area });
    }
  }
  parts.sort((a, b) => b.area - a.area);
  return { labels, parts };
}

/** Labels of the parts to drop: large parts markedly less confident than the most confident one. */
export function partsToDrop(parts: MaskPart[], regionArea: number, options: PartOptions = DEFAULT_PART_OPTIONS): Set<number> {
  const large = parts.filter((part) => part.area >= options.minShare * regionArea);
  if (large.length < 2) return new Set();
  const best = Math.max(...large.map((part) => part.confidentShare));
  return new Set(large.filter((part) => part.confidentShare < best - options.tolerance).map((part) => part.label));
}

/**
 * Drops the less confident parts of `mask` (in place), each with the soft fringe that surrounds it:
 * every non-zero pixel below SUBJECT_LEVEL goes with the nearest part it connects to (a breadth-first
 * growth from all parts at once). Returns how many parts were dropped.
 */
export function keepConfidentParts(
  mask: Uint8ClampedArray | Uint8Array,
  width: number,
  region: MaskRegion,
  options: PartOptions = DEFAULT_PART_OPTIONS,
): number {
  const { labels, parts } = maskParts(mask, width, region);
  const drop = partsToDrop(parts, region.width * region.height, options);
  if (drop.size === 0) return 0;
  // Grow every part into the fringe (0 < value < SUBJECT_LEVEL), nearest part first: one FIFO queue
  // seeded with every part's pixels is a breadth-first growth from all of them at once.
  const queue = new Int32Array(mask.length);
  let tail = 0;
  for (let y = region.y; y < region.y + region.height; y++)
    for (let x = region.x; x < region.x + region.width; x++) if (labels[y * width + x] !== 0) queue[tail++] = y * width + x;
  for (let head = 0; head < tail; head++) {
    const index = queue[head]!;
    forEachNeighbour(index, width, region, (neighbour) => {
      if (labels[neighbour] === 0 && (mask[neighbour] ?? 0) > 0) {
        labels[neighbour] = labels[index]!;
        queue[tail++] = neighbour;
      }
    });
  }
  for (let i = 0; i < labels.length; i++) if (drop.has(labels[i]!)) mask[i] = 0;
  return drop.size;
}
