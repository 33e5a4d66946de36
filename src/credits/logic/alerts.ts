/**
 * Alerts derived from the accounts, as codes and numbers: 80 % and 100 % of the subscription used,
 * the user's low-balance threshold, withoutBG credits expiring in 14 and 7 days (UTC instants). The
 * client words them (client/format/credits.ts). Pure.
 */
import { providerMeta } from '../../providers/catalog.ts';
import { isRetired } from '../../providers/retirement.ts';
import type { BalanceUnit, ProviderId } from '../../providers/types.ts';
import { EPSILON } from './amounts.ts';
import type { KeyAccount } from './types.ts';

export type AlertKind = 'subscription-80' | 'subscription-100' | 'low-balance' | 'expiry-14' | 'expiry-7' | 'expired';

export interface CreditAlert {
  /** Stable per condition and cycle, so a dismissal holds until the condition comes back anew. */
  id: string;
  keyId: string;
  provider: ProviderId;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  unit: BalanceUnit;
  /** When the alert was computed (ms since epoch). */
  at: number;
  /** Subscription alerts: used and allowance in units, and their share 0–1. */
  used?: number;
  allowance?: number;
  share?: number;
  /** The balance when it is known. */
  available?: number;
  /** Low-balance alerts: the level the user set. */
  threshold?: number;
  /** The moment the alert is about (expiry), ms since epoch. */
  date?: number;
}

const DAY_MS = 86_400_000;

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

export function computeAlerts(accounts: readonly KeyAccount[], now: number): CreditAlert[] {
  const alerts: CreditAlert[] = [];
  for (const account of accounts) {
    // A provider that closed its API has no balance left to warn about; its history stays.
    if (isRetired(account.provider, now, account.retirement)) continue;
    const base = {
      keyId: account.keyId,
      provider: account.provider,
      unit: account.unit,
      at: now,
      ...(account.available === undefined ? {} : { available: account.available }),
    };
    const found: CreditAlert[] = [];
    const cycle = new Date(now).toISOString().slice(0, 7);

    const usage = subscriptionUsed(account);
    if (usage && usage.share + EPSILON >= 1) {
      found.push({
        ...base,
        ...usage,
        id: `${account.keyId}:subscription-100:${cycle}:${usage.allowance}`,
        kind: 'subscription-100',
        severity: 'critical',
      });
    } else if (usage && usage.share + EPSILON >= 0.8) {
      found.push({
        ...base,
        ...usage,
        id: `${account.keyId}:subscription-80:${cycle}:${usage.allowance}`,
        kind: 'subscription-80',
        severity: 'warning',
      });
    }

    const threshold = account.lowBalanceThreshold;
    if (threshold !== undefined && account.available !== undefined && account.available <= threshold + EPSILON) {
      const severity = account.available <= EPSILON ? 'critical' : 'warning';
      found.push({ ...base, id: `${account.keyId}:low-balance:${threshold}`, kind: 'low-balance', severity, threshold });
    }

    const expiresText = account.reported?.expiresAt;
    const expires = expiresText === undefined ? undefined : Date.parse(expiresText);
    if (expires !== undefined && Number.isFinite(expires)) {
      const left = expires - now;
      const kind: AlertKind | undefined =
        left <= 0 ? 'expired' : left <= 7 * DAY_MS ? 'expiry-7' : left <= 14 * DAY_MS ? 'expiry-14' : undefined;
      if (kind)
        found.push({
          ...base,
          id: `${account.keyId}:${kind}:${expiresText}`,
          kind,
          severity: kind === 'expiry-14' ? 'warning' : 'critical',
          date: expires,
        });
    }

    alerts.push(...found.filter((alert) => !account.dismissedAlerts.includes(alert.id)));
  }
  return alerts;
}
