import { For, Show } from 'solid-js';
import { CHART_TEXT_PX, layoutUsageChart, usageByProvider, type ProviderUsage } from '../../format/chart.ts';
import type { DailyUsage } from '../../../credits/logic/insight.ts';

/** One provider's consumption per day, stacked by operation, as plain SVG with its unit on the axis. */
function ProviderChart(props: { entry: ProviderUsage }) {
  const layout = () => layoutUsageChart(props.entry.usage);
  return (
    <figure class="usage-chart" data-testid="usage-chart" data-provider={props.entry.provider} data-unit={props.entry.unit}>
      <figcaption>{props.entry.title}</figcaption>
      <svg
        viewBox={`0 0 ${layout().width} ${layout().height}`}
        width={layout().width}
        height={layout().height}
        role="img"
        aria-label={`${props.entry.title}, over the last ${props.entry.usage.days.length} days`}
        font-size={String(CHART_TEXT_PX)}
      >
        <text class="usage-axis" x={0} y={CHART_TEXT_PX}>
          {layout().axisLabel}
        </text>
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
            <text class="usage-day" x={label.x} y={layout().height - 6} text-anchor="middle">
              {label.label}
            </text>
          )}
        </For>
      </svg>
      <Show when={layout().legend.length > 1}>
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
      </Show>
    </figure>
  );
}

/** Consumption per day: one small chart per provider, so images and credits are never added up. Renders props only. */
export function UsageChart(props: { usage: DailyUsage }) {
  const charts = () => usageByProvider(props.usage);
  return (
    <section class="usage-charts" aria-label="Use per day">
      <Show when={charts().length > 0} fallback={<p class="hint">No paid calls in the last {props.usage.days.length} days.</p>}>
        <For each={charts()}>{(entry) => <ProviderChart entry={entry} />}</For>
      </Show>
    </section>
  );
}
