/** Arithmetic and wording for balances: PhotoRoom's 0.2-image and remove.bg's 0.25-credit steps. */
import type { BalanceUnit } from '../../providers/types.ts';

/** Rounds away binary floating-point dust, so 5 × 0.2 is exactly 1. */
export function tidy(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Amounts closer than this are equal (every real price is a multiple of 0.05). */
export const EPSILON = 1e-6;

export function formatAmount(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

export function unitWord(unit: BalanceUnit, amount: number): string {
  const word = unit === 'image' ? 'image' : 'credit';
  return Math.abs(amount) === 1 ? word : `${word}s`;
}

export function formatUnits(amount: number, unit: BalanceUnit): string {
  return `${formatAmount(amount)} ${unitWord(unit, amount)}`;
}

export function sum(values: readonly number[]): number {
  return tidy(values.reduce((total, value) => total + value, 0));
}
