import { Show } from 'solid-js';
import { useEditor } from '../services.ts';
import type { ExportType } from '../../shared/format.ts';
import { BackgroundPicker } from './BackgroundPicker.tsx';
import { FinishOptions } from './FinishOptions.tsx';
import { MatteTools } from './MatteTools.tsx';
import { DragOut } from './DragOut.tsx';
import { PaidExports } from './PaidExports.tsx';
import { FilePicker } from './FilePicker.tsx';
import { Icon } from './icons/Icon.tsx';
import type { SheetName } from './TopBar.tsx';

const FORMAT_NAMES: Record<ExportType, string> = { 'image/png': 'PNG', 'image/webp': 'WebP', 'image/jpeg': 'JPEG' };

/**
 * What to do with the cutout: one primary Download (with its format beside it), Copy, Share where
 * the system has a share sheet, the background, a new photo, and a provider's cutout for money.
 * On a phone the first row is a bottom bar that stays in reach.
 */
export function ActionPanel(props: { onFiles: (files: File[]) => void; onOpenSheet: (name: SheetName) => void }) {
  const editor = useEditor();
  const label = () => FORMAT_NAMES[editor.state.exportType];
  const canShare = editor.canShareFiles();
  // Exports wait for the full-resolution file, and nothing is exported while a job replaces it.
  const disabled = () => !editor.result()?.png || editor.job() !== undefined || editor.state.busyExport;
  return (
    <aside class="actions" aria-label="Save and finish" data-testid="actions">
      <div class="primary-actions" role="group" aria-label="Save">
        <button type="button" class="primary" disabled={disabled()} onClick={() => void editor.download()}>
          <Icon name="download" />
          Download {label()}
        </button>
        <button type="button" disabled={disabled()} onClick={() => void editor.copyToClipboard()}>
          <Icon name="copy" />
          Copy
        </button>
        <Show when={canShare}>
          <button type="button" data-testid="share" disabled={disabled()} onClick={() => void editor.share()}>
            <Icon name="share" />
            Share
          </button>
        </Show>
      </div>
      <DragOut />
      <MatteTools />
      <BackgroundPicker />
      <FinishOptions />
      <Show when={editor.result()}>
        {(result) => (
          <p class="hint" data-testid="result-size">
            {result().width}×{result().height} px, the photo's full size
          </p>
        )}
      </Show>
      <FilePicker class="secondary" testId="new-photo" onFiles={props.onFiles}>
        <Icon name="image" />
        New photo
      </FilePicker>
      <PaidExports />
    </aside>
  );
}
