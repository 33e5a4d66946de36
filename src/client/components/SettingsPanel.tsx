import { For } from 'solid-js';
import { modelDownloadBytes } from 'virtual:model-sizes';
import { useEditor } from '../services.ts';
import type { ModelChoice } from '../../engine/protocol.ts';
import { formatBytes } from '../../shared/format.ts';

const MODELS: Array<{ value: ModelChoice; label: string }> = [
  { value: 'small', label: 'Small — faster' },
  { value: 'medium', label: 'Medium — better edges' },
];

export function SettingsPanel() {
  const editor = useEditor();
  return (
    <div class="panel settings">
      <label>
        On-device model
        <select
          data-testid="model-select"
          value={editor.state.model}
          onChange={(event) => editor.setModel(event.currentTarget.value as ModelChoice)}
        >
          <For each={MODELS}>
            {(model) => (
              <option value={model.value}>
                {model.label} ({formatBytes(modelDownloadBytes[model.value])} download)
              </option>
            )}
          </For>
        </select>
      </label>
      <p class="hint">Downloaded once from this site, then kept by the browser.</p>
    </div>
  );
}
