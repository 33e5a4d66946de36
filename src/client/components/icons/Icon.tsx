import type { JSX } from 'solid-js';

/**
 * The app's icons, drawn by the project on a 24-unit grid (strokes only, 2 units, round ends), so
 * they follow the text colour in both themes and need no icon font or third-party set.
 */
const PATHS = {
  key: 'M14.5 9.5a4 4 0 1 1-3.1 3.9L4 20.8V17h3v-3h3l1.4-1.4M16 8h.01',
  chart: 'M4 20V4M4 20h16M8 16v-5M12 16V8M16 16v-8',
  offline: 'M12 3v12m0 0l-4-4m4 4l4-4M5 19h14',
  settings: 'M4 7h10M18 7h2M4 17h4M12 17h8M16 5v4M10 15v4',
  download: 'M12 4v11m0 0l-4.5-4.5M12 15l4.5-4.5M5 20h14',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  share: 'M12 15V4m0 0L8 8m4-4l4 4M6 12v7h12v-7',
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 2-2 5 5M15.5 9.5h.01',
  plus: 'M12 5v14M5 12h14',
  recent: 'M12 7v5l3 2M12 3a9 9 0 1 1-9 9M3 5v4h4',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon(props: { name: IconName; size?: number }): JSX.Element {
  return (
    <svg
      class="icon"
      viewBox="0 0 24 24"
      width={props.size ?? 20}
      height={props.size ?? 20}
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      <path d={PATHS[props.name]} />
    </svg>
  );
}
