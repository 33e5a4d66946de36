import { For, onCleanup, onMount, Show } from 'solid-js';
import { useEditor } from '../services.ts';
import { BRUSH_SIZES, type BrushTool } from '../state/matte.ts';

const TOOLS: Array<{ tool: BrushTool; label: string }> = [
  { tool: 'compare', label: 'Compare' },
  { tool: 'erase', label: 'Erase' },
  { tool: 'restore', label: 'Restore' },
];

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLInputElement && target.type !== 'radio' && target.type !== 'checkbox' && target.type !== 'range'
    ? true
    : target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;

/**
 * Fixing the cutout by hand: Erase what the model kept, Restore what it dropped (painted on the image),
 * Smart to follow the photo's edges, the brush size, Undo, Redo (Ctrl/⌘+Z, Shift+Ctrl/⌘+Z, Ctrl+Y)
 * and Reset to the cutout as it was made. [ and ] change the brush size.
 */
export function MatteTools() {
  const editor = useEditor();
  const matte = editor.matte;
  const ready = () => editor.result()?.png !== undefined && editor.job() === undefined;
  const history = () => matte.history();

  onMount(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!ready() || isTyping(event.target) || document.querySelector('dialog[open]')) return;
      const command = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (command && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) editor.redo();
        else editor.undo();
      } else if (command && key === 'y') {
        event.preventDefault();
        editor.redo();
      } else if (!command && !event.altKey && (event.key === '[' || event.key === ']')) {
        event.preventDefault();
        matte.setBrushSize(matte.brushSize() * (event.key === ']' ? 1.25 : 0.8));
      }
    };
    window.addEventListener('keydown', onKey);
    onCleanup(() => window.removeEventListener('keydown', onKey));
  });

  return (
    <fieldset class="choice-group matte-tools" data-testid="matte-tools" disabled={!ready()}>
      <legend>Fix the cutout</legend>
      <div class="chips" role="radiogroup" aria-label="Tool on the image">
        <For each={TOOLS}>
          {(entry) => (
            <label class="chip">
              <input
                type="radio"
                name="matte-tool"
                value={entry.tool}
                data-testid={`tool-${entry.tool}`}
                checked={matte.tool() === entry.tool}
                onChange={() => matte.setTool(entry.tool)}
              />
              <span>{entry.label}</span>
            </label>
          )}
        </For>
      </div>
      <Show when={matte.tool() !== 'compare'}>
        <p class="hint">
          {matte.tool() === 'erase' ? 'Paint over what should go.' : 'Paint over what should come back.'} Space + drag or two fingers move
          the image.
        </p>
        <label class="chip">
          <input
            type="checkbox"
            data-testid="brush-smart"
            checked={matte.smart()}
            onChange={(event) => matte.setSmart(event.currentTarget.checked)}
          />
          <span>Smart: follow the photo's edges (from the colour where you start)</span>
        </label>
        <label class="field">
          <span>Brush size: {matte.brushSize()} px</span>
          <input
            type="range"
            data-testid="brush-size"
            min={BRUSH_SIZES.min}
            max={BRUSH_SIZES.max}
            value={matte.brushSize()}
            onInput={(event) => matte.setBrushSize(Number(event.currentTarget.value))}
          />
        </label>
      </Show>
      <div class="field-row edit-history">
        <button
          type="button"
          data-testid="undo"
          aria-keyshortcuts="Control+Z Meta+Z"
          disabled={!editor.canUndo()}
          onClick={() => editor.undo()}
        >
          Undo
        </button>
        <button
          type="button"
          data-testid="redo"
          aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y"
          disabled={!editor.canRedo()}
          onClick={() => editor.redo()}
        >
          Redo
        </button>
        <button type="button" data-testid="reset-matte" disabled={!matte.canReset()} onClick={() => void matte.reset()}>
          Reset
        </button>
      </div>
      <p
        class="hint"
        data-testid="matte-status"
        aria-live="polite"
        data-steps={history().steps}
        data-history-bytes={history().bytes}
        data-apply-ms={matte.lastApplyMs()?.toFixed(0)}
      >
        {matte.working()
          ? 'Opening the cutout for editing…'
          : matte.unsaved()
            ? 'Saving your edit…'
            : history().steps > 0
              ? `${history().steps} edit${history().steps === 1 ? '' : 's'} can be undone.`
              : ''}
      </p>
    </fieldset>
  );
}
