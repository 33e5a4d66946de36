import { For, Show } from 'solid-js';
import { useEditor } from '../services.ts';
import type { FrameAspect, FrameChoice, Shadow } from '../../shared/image/finish.ts';
import { DEFAULT_CONTACT, DEFAULT_DROP } from '../../shared/image/finish.ts';
import type { ExportType } from '../../shared/format.ts';
import { formatBytes } from '../../shared/format.ts';

type AspectName = 'photo' | 'subject' | '1:1' | '4:5' | '16:9';

const FRAMES: Array<{ aspect: AspectName; label: string; size?: { width: number; height: number }; sizeLabel?: string }> = [
  { aspect: 'photo', label: 'The whole photo' },
  { aspect: 'subject', label: 'Cropped to the subject' },
  { aspect: '1:1', label: 'Square 1:1', size: { width: 2000, height: 2000 }, sizeLabel: '2000×2000 (marketplaces)' },
  { aspect: '4:5', label: 'Portrait 4:5', size: { width: 1080, height: 1350 }, sizeLabel: '1080×1350 (social posts)' },
  { aspect: '16:9', label: 'Wide 16:9', size: { width: 1920, height: 1080 }, sizeLabel: '1920×1080 (banners, slides)' },
];

const FORMATS: Array<{ type: ExportType; label: string; says: string }> = [
  { type: 'image/png', label: 'PNG', says: 'lossless, keeps transparency' },
  { type: 'image/webp', label: 'WebP', says: 'smaller, keeps transparency' },
  { type: 'image/jpeg', label: 'JPEG', says: 'smallest, no transparency' },
];

const SHADOWS: Array<{ kind: Shadow['kind']; label: string }> = [
  { kind: 'none', label: 'None' },
  { kind: 'drop', label: 'Drop shadow' },
  { kind: 'contact', label: 'Contact shadow' },
];

function aspectName(aspect: FrameAspect): AspectName {
  return typeof aspect === 'object' ? 'subject' : aspect;
}

/** Frame, shadow and file format of the download; its size is shown before saving. */
export function FinishOptions() {
  const editor = useEditor();
  const frame = () => editor.state.frame;
  const setFrame = (change: Partial<FrameChoice>): void => editor.setFrame({ ...frame(), margin: { ...frame().margin }, ...change });
  const chosenFrame = () => FRAMES.find((entry) => entry.aspect === aspectName(frame().aspect));
  const shadowOpacity = () => (editor.state.shadow.kind === 'none' ? 0 : editor.state.shadow.opacity);
  const lossy = () => editor.state.exportType !== 'image/png';
  const finished = () => editor.finished.current();
  return (
    <>
      <fieldset class="choice-group" data-testid="frame-options">
        <legend>Frame</legend>
        <label class="field">
          <span>Shape</span>
          <select
            data-testid="frame-aspect"
            value={aspectName(frame().aspect)}
            onChange={(event) => {
              const aspect = event.currentTarget.value as AspectName;
              const { outputSize: _dropped, ...rest } = frame();
              editor.setFrame({ ...rest, aspect });
            }}
          >
            <For each={FRAMES}>{(entry) => <option value={entry.aspect}>{entry.label}</option>}</For>
          </select>
        </label>
        <Show when={frame().aspect !== 'photo'}>
          <div class="field-row">
            <label class="field">
              <span>Margin</span>
              <input
                type="number"
                inputmode="numeric"
                min="0"
                max={frame().margin.unit === '%' ? 100 : 10000}
                data-testid="frame-margin"
                value={frame().margin.value}
                onChange={(event) =>
                  setFrame({ margin: { ...frame().margin, value: Math.max(0, Number(event.currentTarget.value) || 0) } })
                }
              />
            </label>
            <label class="field">
              <span>Unit</span>
              <select
                data-testid="frame-margin-unit"
                value={frame().margin.unit}
                onChange={(event) => setFrame({ margin: { ...frame().margin, unit: event.currentTarget.value as 'px' | '%' } })}
              >
                <option value="px">pixels</option>
                <option value="%">% of the subject</option>
              </select>
            </label>
          </div>
          <div class="chips" role="radiogroup" aria-label="Subject position">
            <label class="chip">
              <input type="radio" name="align" checked={frame().align === 'center'} onChange={() => setFrame({ align: 'center' })} />
              <span>Centred</span>
            </label>
            <label class="chip">
              <input type="radio" name="align" checked={frame().align === 'bottom'} onChange={() => setFrame({ align: 'bottom' })} />
              <span>Standing on the bottom</span>
            </label>
          </div>
          <Show when={chosenFrame()?.size}>
            {(size) => (
              <label class="chip">
                <input
                  type="checkbox"
                  data-testid="frame-fixed-size"
                  checked={frame().outputSize !== undefined}
                  onChange={(event) => {
                    const { outputSize: _dropped, ...rest } = frame();
                    editor.setFrame(event.currentTarget.checked ? { ...rest, outputSize: { ...size() } } : rest);
                  }}
                />
                <span>Exactly {chosenFrame()?.sizeLabel}</span>
              </label>
            )}
          </Show>
        </Show>
      </fieldset>
      <fieldset class="choice-group" data-testid="shadow-options">
        <legend>Shadow</legend>
        <div class="chips">
          <For each={SHADOWS}>
            {(entry) => (
              <label class="chip">
                <input
                  type="radio"
                  name="shadow"
                  checked={editor.state.shadow.kind === entry.kind}
                  onChange={() =>
                    editor.setShadow(
                      entry.kind === 'none' ? { kind: 'none' } : entry.kind === 'drop' ? { ...DEFAULT_DROP } : { ...DEFAULT_CONTACT },
                    )
                  }
                />
                <span>{entry.label}</span>
              </label>
            )}
          </For>
        </div>
        <Show when={editor.state.shadow.kind !== 'none'}>
          <label class="field">
            <span>Strength: {Math.round(shadowOpacity() * 100)} %</span>
            <input
              type="range"
              min="10"
              max="90"
              value={Math.round(shadowOpacity() * 100)}
              onInput={(event) => {
                const shadow = editor.state.shadow;
                if (shadow.kind !== 'none') editor.setShadow({ ...shadow, opacity: Number(event.currentTarget.value) / 100 });
              }}
            />
          </label>
        </Show>
      </fieldset>
      <fieldset class="choice-group" data-testid="format-options">
        <legend>Format</legend>
        <div class="chips">
          <For each={FORMATS}>
            {(entry) => (
              <label class="chip">
                <input
                  type="radio"
                  name="format"
                  checked={editor.state.exportType === entry.type}
                  onChange={() => editor.setExportType(entry.type)}
                />
                <span>
                  {entry.label} <span class="chip-note">{entry.says}</span>
                </span>
              </label>
            )}
          </For>
        </div>
        <Show when={lossy()}>
          <label class="field">
            <span>Quality: {Math.round(editor.state.quality * 100)}</span>
            <input
              type="range"
              min="40"
              max="100"
              data-testid="quality"
              value={Math.round(editor.state.quality * 100)}
              onChange={(event) => editor.setQuality(Number(event.currentTarget.value) / 100)}
            />
          </label>
        </Show>
        <Show when={editor.state.exportType === 'image/jpeg' && editor.state.background.kind === 'transparent'}>
          <p class="hint">JPEG has no transparency: the background will be white.</p>
        </Show>
        <p class="hint" data-testid="file-size" aria-live="polite">
          <Show when={finished()} fallback={editor.finished.error() ? '' : editor.finished.rendering() ? 'Preparing the file…' : ''}>
            {(file) => <>The file: {formatBytes(file().blob.size)}</>}
          </Show>
        </p>
        <Show when={editor.finished.error()}>
          {(text) => (
            <p class="problem" role="alert" data-testid="finish-error">
              {text()}
            </p>
          )}
        </Show>
      </fieldset>
    </>
  );
}
