/**
 * Geometry of the consumption charts: one small chart per provider (so per key and per unit: images
 * are never added to credits), bars per day stacked by operation, the unit written on the axis.
 */
import { PROVIDER_IDS, PROVIDER_NAMES } from '../../providers/catalog.ts';
import type { ProviderId } from '../../providers/catalog.ts';
import { formatAmount, formatUnits, unitWord } from '../../credits/logic/amounts.ts';
import type { DailyUsage } from '../../credits/logic/insight.ts';
import type { BalanceUnit } from '../../providers/types.ts';

export interface ChartBar {
  seriesId: string;
  day: string;
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
  colour: string;
  /** Read by screen readers and shown on hover. */
  title: string;
}

export interface ChartLayout {
  width: number;
  height: number;
  bars: ChartBar[];
  /** Value at the top of the plot area; a round number. */
  max: number;
  ticks: Array<{ y: number; label: string }>;
  /** What the vertical axis counts ("images", "credits"), written above it. */
  axisLabel: string;
  dayLabels: Array<{ x: number; label: string }>;
  legend: Array<{ seriesId: string; label: string; colour: string }>;
  plot: { left: number; top: number; right: number; bottom: number };
}

/** One provider's usage: its own chart, in its own unit. */
export interface ProviderUsage {
  provider: ProviderId;
  unit: BalanceUnit;
  usage: DailyUsage;
  /** "PhotoRoom: images used per day". */
  title: string;
}

/** Distinguishable on light and dark backgrounds and for common colour-vision deficiencies (Okabe–Ito). */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

/** Chart text size in the SVG's own units; the SVG is never drawn narrower than its width (see usage.css), so never under 12 px. */
export const CHART_TEXT_PX = 13;

const OPERATION_NAMES: Readonly<Record<string, string>> = {
  segment: 'background removal',
  edit: 'AI edit',
  removebg: 'cutout',
  cutout: 'cutout',
  alpha: 'alpha matte',
  'remove-bg': 'cutout',
};

export function seriesLabel(seriesId: string): string {
  const [provider, operation = ''] = seriesId.split(':');
  const name = provider && provider in PROVIDER_NAMES ? PROVIDER_NAMES[provider as keyof typeof PROVIDER_NAMES] : (provider ?? '');
  return `${name} ${OPERATION_NAMES[operation] ?? operation}`.trim();
}

/** "17 Nov" (or the locale's order) from a "2026-11-17" day key. */
export function dayLabel(day: string, locale?: string): string {
  const time = Date.parse(`${day}T12:00:00Z`);
  if (Number.isNaN(time)) return day;
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(time);
}

/** 1, 2, 5 × 10^n at or above the value, so axis labels stay round. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value - 1e-9) return step * power;
  return 10 * power;
}

/**
 * The usage split per provider, in the app's provider order: each gets its own chart, so PhotoRoom's
 * images and remove.bg's or withoutBG's credits never share an axis. Providers with no use are left out.
 */
export function usageByProvider(usage: DailyUsage): ProviderUsage[] {
  return PROVIDER_IDS.flatMap((provider) => {
    const series = usage.series.filter((line) => line.provider === provider);
    const unit = series[0]?.unit;
    if (unit === undefined) return [];
    // One provider reports one unit; a series in another (never seen) would get a chart of its own.
    const units = [...new Set(series.map((line) => line.unit))];
    return units.map((each) => ({
      provider,
      unit: each,
      usage: { days: usage.days, series: series.filter((line) => line.unit === each) },
      title: `${PROVIDER_NAMES[provider]}: ${unitWord(each, 2)} used per day`,
    }));
  });
}

export interface ChartOptions {
  width?: number;
  height?: number;
  /** For tests; the device's locale by default. */
  locale?: string;
}

/** One chart: every series must be in the same unit (see `usageByProvider`). */
export function layoutUsageChart(usage: DailyUsage, options: ChartOptions = {}): ChartLayout {
  const width = options.width ?? 320;
  const height = options.height ?? 170;
  const units = new Set(usage.series.map((line) => line.unit));
  if (units.size > 1) throw new Error('One chart per unit: images and credits are not added together.');
  const unit = usage.series[0]?.unit;
  const text = CHART_TEXT_PX;
  const plot = { left: 40, top: text + 10, right: width - 20, bottom: height - text - 12 };
  const totals = usage.days.map((_, index) => usage.series.reduce((sum, line) => sum + (line.values[index] ?? 0), 0));
  const max = niceCeiling(Math.max(0, ...totals));
  const slot = (plot.right - plot.left) / Math.max(1, usage.days.length);
  const barWidth = Math.max(2, slot * 0.7);
  const scale = (plot.bottom - plot.top) / max;
  const colourOf = new Map(usage.series.map((line, index) => [line.id, SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#000000']));

  const bars: ChartBar[] = [];
  usage.days.forEach((day, index) => {
    let stacked = 0;
    const x = plot.left + index * slot + (slot - barWidth) / 2;
    for (const line of usage.series) {
      const value = line.values[index] ?? 0;
      if (value <= 0) continue;
      const barHeight = value * scale;
      bars.push({
        seriesId: line.id,
        day,
        x,
        y: plot.bottom - (stacked + value) * scale,
        width: barWidth,
        height: barHeight,
        value,
        colour: colourOf.get(line.id) ?? '#000000',
        title: `${dayLabel(day, options.locale)}: ${seriesLabel(line.id)} ${formatUnits(value, line.unit)}`,
      });
      stacked += value;
    }
  });

  const ticks = [0, max / 2, max].map((value) => ({ y: plot.bottom - value * scale, label: formatAmount(value) }));
  // "17 Nov" is about five characters wide: label every few days so the labels never overlap.
  const labelWidth = text * 3.4;
  const every = Math.max(1, Math.ceil(labelWidth / slot));
  const last = usage.days.length - 1;
  const dayLabels = usage.days
    .map((day, index) => ({ x: plot.left + index * slot + slot / 2, label: dayLabel(day, options.locale), index }))
    // Counted back from today, so today is always labelled.
    .filter((label) => (last - label.index) % every === 0)
    .map(({ x, label }) => ({ x, label }));
  const legend = usage.series.map((line) => ({
    seriesId: line.id,
    label: seriesLabel(line.id),
    colour: colourOf.get(line.id) ?? '#000000',
  }));
  return { width, height, bars, max, ticks, axisLabel: unit === undefined ? '' : unitWord(unit, 2), dayLabels, legend, plot };
}
