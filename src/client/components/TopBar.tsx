import { Show } from 'solid-js';
import { useApp } from '../services.ts';
import { Icon, type IconName } from './icons/Icon.tsx';

export type SheetName = 'recent' | 'keys' | 'usage' | 'offline' | 'settings';

function SheetButton(props: {
  name: SheetName;
  label: string;
  icon: IconName;
  open: SheetName | undefined;
  onOpen: (name: SheetName) => void;
  badge?: number;
}) {
  return (
    <button
      type="button"
      class="bar-button"
      data-testid={`open-${props.name}`}
      aria-haspopup="dialog"
      aria-expanded={props.open === props.name}
      onClick={() => props.onOpen(props.name)}
    >
      <Icon name={props.icon} />
      <span class="bar-label">{props.label}</span>
      <Show when={props.badge}>
        {(count) => (
          <span class="badge" data-testid={`badge-${props.name}`}>
            {count()}
            <span class="visually-hidden"> {count() === 1 ? 'alert' : 'alerts'}</span>
          </span>
        )}
      </Show>
    </button>
  );
}

/** The app's name and the doors to its side sheets; the image below is the page. */
export function TopBar(props: { open: SheetName | undefined; onOpen: (name: SheetName) => void }) {
  const { keys } = useApp();
  const alerts = () => keys.credits()?.alerts().length ?? 0;
  // Usage appears once there is something to show: a saved key or a paid call in the history.
  const hasUsage = () => {
    const credits = keys.credits();
    return credits !== undefined && (credits.state.accounts.length > 0 || credits.state.ledger.length > 0);
  };
  return (
    <header class="topbar">
      <h1 class="brand">
        <svg class="logo" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
          <path d="M6 4l12 16M18 4L6 20" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" />
          <circle cx="6" cy="4" r="2.2" fill="currentColor" />
          <circle cx="18" cy="4" r="2.2" fill="currentColor" />
        </svg>
        Cutwise
      </h1>
      <nav class="bar-buttons" aria-label="Panels">
        <SheetButton name="recent" label="Recent" icon="recent" open={props.open} onOpen={props.onOpen} />
        <SheetButton name="keys" label="Keys" icon="key" open={props.open} onOpen={props.onOpen} />
        <Show when={hasUsage()}>
          <SheetButton name="usage" label="Usage" icon="chart" open={props.open} onOpen={props.onOpen} badge={alerts()} />
        </Show>
        <SheetButton name="offline" label="Offline" icon="offline" open={props.open} onOpen={props.onOpen} />
        <SheetButton name="settings" label="Settings" icon="settings" open={props.open} onOpen={props.onOpen} />
      </nav>
    </header>
  );
}
