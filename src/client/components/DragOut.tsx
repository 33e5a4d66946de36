import { createEffect, createSignal, onCleanup, Show, untrack } from 'solid-js';
import { useEditor } from '../services.ts';

/**
 * The finished file as a thumbnail to drag into another app (a chat, a document, the desktop): the
 * image itself is dragged, with the file's name and bytes (Chromium's DownloadURL makes it a real
 * file on the desktop); the same bytes Download saves.
 */
export function DragOut() {
  const editor = useEditor();
  const [url, setUrl] = createSignal<string>();
  // A replaced address is revoked once the new picture has loaded: the <img> may still be reading the
  // old one (a 12 MP PNG takes a while), and a revoked blob: address fails its load.
  let stale: string[] = [];
  const revokeStale = (): void => {
    for (const old of stale) URL.revokeObjectURL(old);
    stale = [];
  };
  createEffect(() => {
    const file = editor.readyFile();
    const previous = untrack(url);
    if (previous) stale.push(previous);
    setUrl(file ? URL.createObjectURL(file.blob) : undefined);
  });
  onCleanup(() => {
    revokeStale();
    const current = url();
    if (current) URL.revokeObjectURL(current);
  });
  const onDragStart = (event: DragEvent): void => {
    const file = editor.readyFile();
    const link = url();
    if (!file || !link || !event.dataTransfer) return;
    event.dataTransfer.effectAllowed = 'copy';
    event.dataTransfer.setData('DownloadURL', `${file.blob.type}:${file.name}:${link}`);
    event.dataTransfer.setData('text/uri-list', link);
    event.dataTransfer.setData('text/plain', file.name);
  };
  return (
    <Show when={url()}>
      {(link) => (
        <div class="drag-out" data-testid="drag-out">
          <img
            src={link()}
            alt=""
            draggable={true}
            data-testid="drag-out-image"
            onDragStart={onDragStart}
            onLoad={revokeStale}
            onError={revokeStale}
          />
          <span class="hint">Drag the picture into another app to use the cutout there.</span>
        </div>
      )}
    </Show>
  );
}
