/**
 * Alerts derived from the accounts: 80 % and 100 % of the subscription used, the user's low-balance
 * threshold, withoutBG credits expiring in 14 and 7 days (UTC instants, shown in local time).
 */
import { PROVIDER_NAMES, providerMeta } from '../../providers/catalog.ts';
import { isRetired } from '../../providers/retirement.ts';
import type { ProviderId } from '../../providers/types.ts';
import { EPSILON, formatAmount, formatUnits } from './amounts.ts';
import type { KeyAccount } from './types.ts';

export type AlertKind = 'subscription-80' | 'subscription-100' | 'low-balance' | 'expiry-14' | 'expiry-7' | 'expired';

export interface CreditAlert {
  /** Stable per condition and cycle, so a dismissal holds until the condition comes back anew. */
  id: string;
  keyId: string;
  provider: ProviderId;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  message: string;
  /** The moment the alert is about (expiry), ms since epoch. */
  date?: number;
}

export interface AlertOptions {
  /** Formats an instant for people; defaults to the device's local time. */
  formatDate?: (instant: number) => string;
  /** A name for the key ("Shop key"); defaults to the provider's name. */
  labelFor?: (account: KeyAccount) => string;
}

const DAY_MS = 86_400_000;

export function defaultDateFormat(instant: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(instant);
}

export function formatUtc(instant: number): string {
  return `${new Date(instant).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How much of the subscription is used, 0–1; undefined when the provider reports no allowance. */
export function subscriptionUsed(account: KeyAccount): { used: number; allowance: number; share: number } | undefined {
  if (account.available === undefined) return undefined;
  const meaning = providerMeta(account.provider).balance.subscription;
  if (meaning === 'allowance') {
    const allowance = account.reported?.subscription;
    if (allowance === undefined || allowance <= 0) return undefined;
    const used = Math.max(0, allowance - account.available);
    return { used, allowance, share: Math.min(1, used / allowance) };
  }
  if (meaning === 'part-of-total') {
    const allowance = account.subscriptionPeak;
    const left = account.subscriptionLeft;
    if (allowance === undefined || left === undefined || allowance <= 0) return undefined;
    const used = Math.max(0, allowance - left);
    return { used, allowance, share: Math.min(1, used / allowance) };
  }
  return undefined;
}

export function computeAlerts(accounts: readonly KeyAccount[], now: number, options: AlertOptions = {}): CreditAlert[] {
  const format = options.formatDate ?? defaultDateFormat;
  const alerts: CreditAlert[] = [];
  for (const account of accounts) {
    // A provider that closed its API has no balance left to warn about; its history stays.
    if (isRetired(account.provider, now, account.retirement)) continue;
    const name = options.labelFor?.(account) ?? PROVIDER_NAMES[account.provider];
    const unit = account.unit;
    const found: CreditAlert[] = [];
    const cycle = new Date(now).toISOString().slice(0, 7);

    const usage = subscriptionUsed(account);
    if (usage && usage.share + EPSILON >= 1) {
      found.push({
        id: `${account.keyId}:subscription-100:${cycle}:${usage.allowance}`,
        keyId: account.keyId,
        provider: account.provider,
        kind: 'subscription-100',
        severity: 'critical',
        message: `${name}: the whole subscription is used (${formatAmount(usage.used)} of ${formatUnits(usage.allowance, unit)}).`,
      });
    } else if (usage && usage.share + EPSILON >= 0.8) {
      found.push({
        id: `${account.keyId}:subscription-80:${cycle}:${usage.allowance}`,
        keyId: account.keyId,
        provider: account.provider,
        kind: 'subscription-80',
        severity: 'warning',
        message: `${name}: ${Math.floor(usage.share * 100)} % of the subscription is used (${formatAmount(usage.used)} of ${formatUnits(usage.allowance, unit)}).`,
      });
    }

    const threshold = account.lowBalanceThreshold;
    if (threshold !== undefined && account.available !== undefined && account.available <= threshold + EPSILON) {
      found.push({
        id: `${account.keyId}:low-balance:${threshold}`,
        keyId: account.keyId,
        provider: account.provider,
        kind: 'low-balance',
        severity: account.available <= EPSILON ? 'critical' : 'warning',
        message: `${name}: ${formatUnits(account.available, unit)} left, at or below your alert level of ${formatAmount(threshold)}.`,
      });
    }

    const expiresText = account.reported?.expiresAt;
    const expires = expiresText === undefined ? undefined : Date.parse(expiresText);
    if (expires !== undefined && Number.isFinite(expires)) {
      const left = expires - now;
      const when = `${format(expires)} (${formatUtc(expires)})`;
      const credits = account.available === undefined ? 'credits' : formatUnits(account.available, unit);
      if (left <= 0) {
        found.push({
          id: `${account.keyId}:expired:${expiresText}`,
          keyId: account.keyId,
          provider: account.provider,
          kind: 'expired',
          severity: 'critical',
          date: expires,
          message: `${name}: your ${credits} expired on ${when}. Topping up reactivates them.`,
        });
      } else if (left <= 7 * DAY_MS) {
        found.push({
          id: `${account.keyId}:expiry-7:${expiresText}`,
          keyId: account.keyId,
          provider: account.provider,
          kind: 'expiry-7',
          severity: 'critical',
          date: expires,
          message: `${name}: your ${credits} expire on ${when}, in ${daysText(left)}.`,
        });
      } else if (left <= 14 * DAY_MS) {
        found.push({
          id: `${account.keyId}:expiry-14:${expiresText}`,
          keyId: account.keyId,
          provider: account.provider,
          kind: 'expiry-14',
          severity: 'warning',
          date: expires,
          message: `${name}: your ${credits} expire on ${when}, in ${daysText(left)}.`,
        });
      }
    }

    alerts.push(...found.filter((alert) => !account.dismissedAlerts.includes(alert.id)));
  }
  return alerts;
}

function daysText(ms: number): string {
  const days = Math.ceil(ms / DAY_MS);
  return days === 1 ? 'less than a day' : `${days} days`;
}
