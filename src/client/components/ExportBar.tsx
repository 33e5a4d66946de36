import { useEditor } from '../services.ts';

export function ExportBar() {
  const editor = useEditor();
  const disabled = () => !editor.result()?.png || editor.state.busyExport;
  return (
    <div class="export" role="group" aria-label="Export">
      <button type="button" disabled={disabled()} onClick={() => void editor.download('image/png')}>
        Download PNG
      </button>
      <button type="button" disabled={disabled()} onClick={() => void editor.download('image/webp')}>
        Download WebP
      </button>
      <button type="button" disabled={disabled()} onClick={() => void editor.copyToClipboard()}>
        Copy
      </button>
      <span class="hint">
        Full resolution: {editor.result()?.width}×{editor.result()?.height}
      </span>
    </div>
  );
}
