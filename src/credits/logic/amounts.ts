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

const UNIT_WORDS: Readonly<Record<BalanceUnit, string>> = { image: 'image', credit: 'credit', token: 'API credit' };

export function unitWord(unit: BalanceUnit, amount: number): string {
  const word = UNIT_WORDS[unit];
  return Math.abs(amount) === 1 ? word : `${word}s`;
}

/** "$0.10": money as a person reads it (to the cent; "less than $0.01" below that). */
export function formatUsd(value: number): string {
  if (value > 0 && value < 0.005) return 'less than $0.01';
  return `$${value.toFixed(2)}`;
}

export function formatUnits(amount: number, unit: BalanceUnit): string {
  return `${formatAmount(amount)} ${unitWord(unit, amount)}`;
}

export function sum(values: readonly number[]): number {
  return tidy(values.reduce((total, value) => total + value, 0));
}
