import { describe, expect, it } from 'vitest';
import { layoutUsageChart, niceCeiling, seriesLabel } from '../../../src/client/format/chart.ts';
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

  it('stacks each day’s series from the baseline, heights proportional to the values', () => {
    const layout = layoutUsageChart(usage, 300, 128);
    expect(layout.max).toBe(10);
    const { bottom, top } = layout.plot;
    const perUnit = (bottom - top) / 10;
    const day2 = layout.bars.filter((bar) => bar.day === '2026-11-20');
    expect(day2.map((bar) => [bar.seriesId, bar.height])).toEqual([
      ['photoroom:edit', 5 * perUnit],
      ['withoutbg:cutout', 3 * perUnit],
    ]);
    expect(day2[0]!.y + day2[0]!.height).toBeCloseTo(bottom);
    expect(day2[1]!.y + day2[1]!.height).toBeCloseTo(day2[0]!.y);
    expect(layout.bars.filter((bar) => bar.day === '2026-11-19')).toEqual([]);
    expect(layout.bars.find((bar) => bar.day === '2026-11-21')?.title).toBe('2026-11-21: withoutBG cutout 1 credit');
    expect(layout.legend.map((item) => item.label)).toEqual(['PhotoRoom AI edit', 'withoutBG cutout']);
    expect(new Set(layout.legend.map((item) => item.colour)).size).toBe(2);
  });

  it('labels at most about a week of days', () => {
    const days = Array.from({ length: 30 }, (_, index) => `2026-11-${String(index + 1).padStart(2, '0')}`);
    const layout = layoutUsageChart({ days, series: [] });
    expect(layout.dayLabels.length).toBeLessThanOrEqual(9);
    expect(layout.dayLabels.at(-1)?.label).toBe('11-30');
    expect(layout.max).toBe(1);
  });

  it('names series by provider and operation', () => {
    expect(seriesLabel('removebg:removebg')).toBe('remove.bg cutout');
    expect(seriesLabel('photoroom:segment')).toBe('PhotoRoom background removal');
  });
});
