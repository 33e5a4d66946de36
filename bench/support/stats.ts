/** Small statistics for the bench. */
/** Contenders in a different order on every run, so no one always goes first after an idle gap. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = ((by % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
