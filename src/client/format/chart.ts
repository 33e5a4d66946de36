/** Geometry of the consumption chart: stacked bars per day, one colour per provider and operation. */
import { PROVIDER_NAMES } from '../../providers/catalog.ts';
import { formatAmount, formatUnits } from '../../credits/logic/amounts.ts';
import type { DailyUsage } from '../../credits/logic/insight.ts';

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
  dayLabels: Array<{ x: number; label: string }>;
  legend: Array<{ seriesId: string; label: string; colour: string }>;
  plot: { left: number; top: number; right: number; bottom: number };
}

/** Distinguishable on light and dark backgrounds and for common colour-vision deficiencies (Okabe–Ito). */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

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

/** 1, 2, 5 × 10^n at or above the value, so axis labels stay round. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value - 1e-9) return step * power;
  return 10 * power;
}

export function layoutUsageChart(usage: DailyUsage, width = 640, height = 220): ChartLayout {
  const plot = { left: 40, top: 10, right: width - 10, bottom: height - 28 };
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
        title: `${day}: ${seriesLabel(line.id)} ${formatUnits(value, line.unit)}`,
      });
      stacked += value;
    }
  });

  const ticks = [0, max / 2, max].map((value) => ({ y: plot.bottom - value * scale, label: formatAmount(value) }));
  // Label at most about seven days so the labels never overlap.
  const every = Math.max(1, Math.ceil(usage.days.length / 7));
  const dayLabels = usage.days
    .map((day, index) => ({ x: plot.left + index * slot + slot / 2, label: day.slice(5), index }))
    .filter((label) => label.index % every === 0 || label.index === usage.days.length - 1)
    .map(({ x, label }) => ({ x, label }));
  const legend = usage.series.map((line) => ({
    seriesId: line.id,
    label: seriesLabel(line.id),
    colour: colourOf.get(line.id) ?? '#000000',
  }));
  return { width, height, bars, max, ticks, dayLabels, legend, plot };
}
