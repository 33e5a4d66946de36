import { For, Show } from 'solid-js';
import { layoutUsageChart } from '../../format/chart.ts';
import type { DailyUsage } from '../../../credits/logic/insight.ts';

/** Consumption per day, stacked by provider and operation, as plain SVG. Renders props only. */
export function UsageChart(props: { usage: DailyUsage; width?: number; height?: number }) {
  const layout = () => layoutUsageChart(props.usage, props.width ?? 640, props.height ?? 220);
  return (
    <figure class="usage-chart" data-testid="usage-chart">
      <Show when={props.usage.series.length > 0} fallback={<p class="hint">No paid calls in the last {props.usage.days.length} days.</p>}>
        <svg
          viewBox={`0 0 ${layout().width} ${layout().height}`}
          role="img"
          aria-label={`Credits and images used per day over the last ${props.usage.days.length} days`}
        >
          <For each={layout().ticks}>
            {(tick) => (
              <g class="usage-tick">
                <line x1={layout().plot.left} x2={layout().plot.right} y1={tick.y} y2={tick.y} />
                <text x={layout().plot.left - 6} y={tick.y + 4} text-anchor="end">
                  {tick.label}
                </text>
              </g>
            )}
          </For>
          <For each={layout().bars}>
            {(bar) => (
              <rect
                x={bar.x}
                y={bar.y}
                width={bar.width}
                height={bar.height}
                fill={bar.colour}
                data-series={bar.seriesId}
                data-day={bar.day}
                data-value={bar.value}
              >
                <title>{bar.title}</title>
              </rect>
            )}
          </For>
          <For each={layout().dayLabels}>
            {(label) => (
              <text class="usage-day" x={label.x} y={layout().height - 8} text-anchor="middle">
                {label.label}
              </text>
            )}
          </For>
        </svg>
        <figcaption>
          <ul class="usage-legend">
            <For each={layout().legend}>
              {(item) => (
                <li>
                  <span class="swatch" style={{ background: item.colour }} aria-hidden="true" />
                  {item.label}
                </li>
              )}
            </For>
          </ul>
        </figcaption>
      </Show>
    </figure>
  );
}
