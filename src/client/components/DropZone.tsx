import { createSignal } from 'solid-js';

/** The empty-state target: pick a file, or drop/paste anywhere on the page. */
export function DropZone(props: { onFiles: (files: File[]) => void }) {
  const [over, setOver] = createSignal(false);
  let input: HTMLInputElement | undefined;
  return (
    <div
      class="dropzone"
      classList={{ over: over() }}
      data-testid="dropzone"
      onDragEnter={() => setOver(true)}
      onDragLeave={() => setOver(false)}
      onDrop={() => setOver(false)}
    >
      <p>
        <strong>Drop a photo here</strong>, paste it (Ctrl/⌘+V) or{' '}
        <button type="button" class="link" onClick={() => input?.click()}>
          choose a file
        </button>
        .
      </p>
      <p class="hint">JPEG, PNG, WebP, GIF, BMP, AVIF — processed on this device; nothing is uploaded.</p>
      <input
        ref={input}
        type="file"
        accept="image/*"
        hidden
        data-testid="file-input"
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = '';
          props.onFiles(files);
        }}
      />
    </div>
  );
}
