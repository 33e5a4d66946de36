/**
 * Whether the browser thinks it is online (navigator.onLine and its online/offline events). Paid
 * providers need the network; the on-device cutout does not. Created per app, owned by the caller.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js';

export interface Connectivity {
  online: Accessor<boolean>;
}

export function createConnectivity(target: Window = window): Connectivity {
  const [online, setOnline] = createSignal(target.navigator.onLine);
  const update = (): void => {
    setOnline(target.navigator.onLine);
  };
  target.addEventListener('online', update);
  target.addEventListener('offline', update);
  onCleanup(() => {
    target.removeEventListener('online', update);
    target.removeEventListener('offline', update);
  });
  return { online };
}
