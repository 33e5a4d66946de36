/** Consumption per day for the chart, and the run-out forecast at the recent pace. */
import type { BalanceUnit, ProviderId } from '../../providers/types.ts';
import { tidy } from './amounts.ts';
import type { KeyAccount, LedgerEntry } from './types.ts';

const DAY_MS = 86_400_000;

/** Entries that spent balance on a call: successes and charged settlements. */
export function isSpend(entry: LedgerEntry): boolean {
  return entry.kind === 'call' && (entry.outcome === 'success' || entry.outcome === 'settled') && entry.charged > 0;
}

/** `YYYY-MM-DD` of an instant in a time zone (the device's by default). */
export function dayKey(instant: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export interface UsageSeries {
  /** `provider:operation`. */
  id: string;
  provider: ProviderId;
  operation: string;
  unit: BalanceUnit;
  /** One value per day of `days`. */
  values: number[];
  total: number;
}

export interface DailyUsage {
  days: string[];
  series: UsageSeries[];
}

/** The last `dayCount` days ending today, with what each provider and operation consumed per day. */
export function dailyUsage(entries: readonly LedgerEntry[], now: number, dayCount = 14, timeZone?: string): DailyUsage {
  const days: string[] = [];
  for (let offset = dayCount - 1; offset >= 0; offset--) {
    const key = dayKey(now - offset * DAY_MS, timeZone);
    if (!days.includes(key)) days.push(key);
  }
  // DST days are 23 or 25 hours long; a skipped key would leave a gap, so fill from the last key.
  while (days.length < dayCount) days.unshift(previousDay(days[0] ?? dayKey(now, timeZone)));
  const index = new Map(days.map((day, position) => [day, position]));
  const series = new Map<string, UsageSeries>();
  for (const entry of entries) {
    if (!isSpend(entry)) continue;
    const position = index.get(dayKey(entry.at, timeZone));
    if (position === undefined) continue;
    const id = `${entry.provider}:${entry.operation}`;
    let line = series.get(id);
    if (!line) {
      line = { id, provider: entry.provider, operation: entry.operation, unit: entry.unit, values: days.map(() => 0), total: 0 };
      series.set(id, line);
    }
    line.values[position] = tidy((line.values[position] ?? 0) + entry.charged);
    line.total = tidy(line.total + entry.charged);
  }
  return { days, series: [...series.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}

function previousDay(day: string): string {
  const time = Date.parse(`${day}T12:00:00Z`) - DAY_MS;
  return new Date(time).toISOString().slice(0, 10);
}

export interface Forecast {
  /** Units spent per day at the recent pace. */
  perDay: number;
  /** Days of history the pace is taken from. */
  basisDays: number;
  /** When the balance runs out at that pace; undefined when nothing was spent recently. */
  runOutAt?: number;
  daysLeft?: number;
  /** withoutBG: the credits expire before they would run out. */
  expiresFirst?: boolean;
}

/**
 * The recent pace: what this key spent over the last `windowDays` (or since its first spend, if
 * later, but at least one day so a busy first hour does not promise a run-out within the day).
 */
export function forecastRunOut(account: KeyAccount, entries: readonly LedgerEntry[], now: number, windowDays = 7): Forecast | undefined {
  if (account.available === undefined) return undefined;
  const since = now - windowDays * DAY_MS;
  const spends = entries.filter((entry) => entry.keyId === account.keyId && isSpend(entry) && entry.at >= since && entry.at <= now);
  if (spends.length === 0) return { perDay: 0, basisDays: 0 };
  const first = Math.min(...spends.map((entry) => entry.at));
  const basisDays = Math.max(1, (now - first) / DAY_MS);
  const spent = spends.reduce((total, entry) => total + entry.charged, 0);
  const perDay = spent / basisDays;
  const daysLeft = Math.max(0, account.available) / perDay;
  const forecast: Forecast = {
    perDay: tidy(perDay),
    basisDays: tidy(basisDays),
    daysLeft: tidy(daysLeft),
    runOutAt: Math.round(now + daysLeft * DAY_MS),
  };
  const expires = account.reported?.expiresAt === undefined ? undefined : Date.parse(account.reported.expiresAt);
  if (expires !== undefined && Number.isFinite(expires) && forecast.runOutAt !== undefined)
    forecast.expiresFirst = expires < forecast.runOutAt;
  return forecast;
}
