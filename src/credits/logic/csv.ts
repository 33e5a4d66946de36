/** The ledger as CSV (RFC 4180, UTC times), safe to open in a spreadsheet. */
import { formatAmount } from './amounts.ts';
import type { LedgerEntry } from './types.ts';

export const CSV_COLUMNS = [
  'time_utc',
  'key_id',
  'provider',
  'kind',
  'operation',
  'size',
  'plan',
  'unit',
  'expected_cost',
  'charged',
  'source',
  'outcome',
  'error',
  'balance_after',
  'result_id',
  'note',
] as const;

export function ledgerToCsv(entries: readonly LedgerEntry[], labelFor?: (keyId: string) => string): string {
  const rows = [...entries]
    .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))
    .map((entry) => [
      new Date(entry.at).toISOString(),
      text(labelFor?.(entry.keyId) ?? entry.keyId),
      entry.provider,
      entry.kind,
      text(entry.operation),
      text(entry.size ?? ''),
      text(entry.plan ?? ''),
      entry.unit,
      formatAmount(entry.expectedCost),
      entry.outcome === 'in-flight' || entry.outcome === 'pending' ? '' : formatAmount(entry.charged),
      entry.source ?? '',
      entry.outcome,
      text(entry.errorKind ?? ''),
      entry.balanceAfter === undefined ? '' : formatAmount(entry.balanceAfter),
      text(entry.resultId ?? ''),
      text(entry.note ?? ''),
    ]);
  return [CSV_COLUMNS.join(','), ...rows.map((row) => row.map(quote).join(','))].join('\r\n') + '\r\n';
}

/** Text cells that a spreadsheet would run as a formula get a leading apostrophe. */
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
