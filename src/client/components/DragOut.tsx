import { createEffect, createSignal, onCleanup, Show } from 'solid-js';
import { useEditor } from '../services.ts';

/**
 * The finished file as a thumbnail to drag into another app (a chat, a document, the desktop): the
 * image itself is dragged, with the file's name and bytes (Chromium's DownloadURL makes it a real
 * file on the desktop); the same bytes Download saves.
 */
export function DragOut() {
  const editor = useEditor();
  const [url, setUrl] = createSignal<string>();
  createEffect(() => {
    const file = editor.readyFile();
    if (!file) return setUrl(undefined);
    const made = URL.createObjectURL(file.blob);
    setUrl(made);
    onCleanup(() => URL.revokeObjectURL(made));
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
          <img src={link()} alt="" draggable={true} data-testid="drag-out-image" onDragStart={onDragStart} />
          <span class="hint">Drag the picture into another app to use the cutout there.</span>
        </div>
      )}
    </Show>
  );
}
