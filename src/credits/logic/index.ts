/** Pure credit logic: no DOM, no I/O, the clock passed in. */
export type * from './types.ts';
export * from './amounts.ts';
export * from './prices.ts';
export * from './policy.ts';
export * from './balance.ts';
export * from './preflight.ts';
export * from './routing.ts';
export * from './alerts.ts';
export * from './insight.ts';
export * from './csv.ts';
export * from './chart.ts';
