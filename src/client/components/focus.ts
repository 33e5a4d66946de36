import { onCleanup } from 'solid-js';

/**
 * When the component that holds the focus goes away (the empty state after a photo is chosen, the
 * progress after Cancel), the browser drops focus to `<body>` and a keyboard or screen-reader user
 * is lost; this puts it on the workspace instead, the place the next thing appears.
 */
export function keepFocusOnRemoval(): void {
  onCleanup(() => {
    queueMicrotask(() => {
      const active = document.activeElement;
      if (active === null || active === document.body || !active.isConnected) document.getElementById('main')?.focus();
    });
  });
}
