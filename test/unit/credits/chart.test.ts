import { describe, expect, it } from 'vitest';
import { dayLabel, layoutUsageChart, niceCeiling, seriesLabel, usageByProvider } from '../../../src/client/format/chart.ts';
import type { DailyUsage } from '../../../src/credits/logic/insight.ts';

const usage: DailyUsage = {
  days: ['2026-11-19', '2026-11-20', '2026-11-21'],
  series: [
    { id: 'photoroom:edit', provider: 'photoroom', operation: 'edit', unit: 'image', values: [0, 5, 0], total: 5 },
    { id: 'withoutbg:cutout', provider: 'withoutbg', operation: 'cutout', unit: 'credit', values: [0, 3, 1], total: 4 },
  ],
};

describe('usage chart layout', () => {
  it('rounds the axis up to 1, 2 or 5 × 10^n', () => {
    expect([0, 0.3, 1, 3, 8, 11, 40, 51].map(niceCeiling)).toEqual([1, 0.5, 1, 5, 10, 20, 50, 100]);
  });

  it('never adds images to credits: one chart per provider, its unit on the axis', () => {
    const charts = usageByProvider(usage);
    expect(charts.map((chart) => [chart.provider, chart.unit, chart.title])).toEqual([
      ['photoroom', 'image', 'PhotoRoom: images used per day'],
      ['withoutbg', 'credit', 'withoutBG: credits used per day'],
    ]);
    expect(charts.map((chart) => chart.usage.series.map((line) => line.id))).toEqual([['photoroom:edit'], ['withoutbg:cutout']]);
    expect(layoutUsageChart(charts[0]!.usage).axisLabel).toBe('images');
    expect(layoutUsageChart(charts[1]!.usage).axisLabel).toBe('credits');
    expect(() => layoutUsageChart(usage)).toThrow(/One chart per unit/);
  });

  it('stacks each day’s operations from the baseline, heights proportional to the values', () => {
    const photoroom: DailyUsage = {
      days: usage.days,
      series: [
        { id: 'photoroom:edit', provider: 'photoroom', operation: 'edit', unit: 'image', values: [0, 5, 0], total: 5 },
        { id: 'photoroom:segment', provider: 'photoroom', operation: 'segment', unit: 'image', values: [0, 3, 1], total: 4 },
      ],
    };
    const layout = layoutUsageChart(photoroom, { width: 300, height: 128, locale: 'en-GB' });
    expect(layout.max).toBe(10);
    const { bottom, top } = layout.plot;
    const perUnit = (bottom - top) / 10;
    const day2 = layout.bars.filter((bar) => bar.day === '2026-11-20');
    expect(day2.map((bar) => [bar.seriesId, bar.height])).toEqual([
      ['photoroom:edit', 5 * perUnit],
      ['photoroom:segment', 3 * perUnit],
    ]);
    expect(day2[0]!.y + day2[0]!.height).toBeCloseTo(bottom);
    expect(day2[1]!.y + day2[1]!.height).toBeCloseTo(day2[0]!.y);
    expect(layout.bars.filter((bar) => bar.day === '2026-11-19')).toEqual([]);
    expect(layout.bars.find((bar) => bar.day === '2026-11-21')?.title).toBe('21 Nov: PhotoRoom background removal 1 image');
    expect(layout.legend.map((item) => item.label)).toEqual(['PhotoRoom AI edit', 'PhotoRoom background removal']);
    expect(new Set(layout.legend.map((item) => item.colour)).size).toBe(2);
  });

  it('labels days as a person reads them, today always, never overlapping', () => {
    expect(dayLabel('2026-11-17', 'en-GB')).toBe('17 Nov');
    const days = Array.from({ length: 14 }, (_, index) => new Date(Date.UTC(2026, 10, 17 + index)).toISOString().slice(0, 10));
    const layout = layoutUsageChart({ days, series: [] }, { locale: 'en-GB' });
    expect(layout.dayLabels.at(-1)?.label).toBe('30 Nov');
    const xs = layout.dayLabels.map((label) => label.x);
    // "17 Nov" at 13 px is under 45 px wide.
    for (let index = 1; index < xs.length; index++) expect(xs[index]! - xs[index - 1]!).toBeGreaterThanOrEqual(45);
    expect(xs.at(-1)! + 23).toBeLessThanOrEqual(layout.width);
    expect(layout.max).toBe(1);
  });

  it('names series by provider and operation', () => {
    expect(seriesLabel('removebg:removebg')).toBe('remove.bg cutout');
    expect(seriesLabel('photoroom:segment')).toBe('PhotoRoom background removal');
  });
});
