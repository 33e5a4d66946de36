import { keepFocusOnRemoval } from './focus.ts';
import { Show } from 'solid-js';
import { useEditor } from '../services.ts';
import type { Job } from '../state/editor.ts';
import { formatBytes } from '../../shared/format.ts';

const STAGE_LABEL: Record<Job['stage'], string> = {
  decode: 'Reading the image…',
  download: 'Downloading the on-device model (first time only)…',
  inference: 'Finding the subject…',
  compose: 'Cutting out at full resolution…',
  encode: 'Preparing the full-resolution file…',
  remote: 'Waiting for the provider…',
};

export function JobProgress() {
  keepFocusOnRemoval();
  const editor = useEditor();
  return (
    <Show when={editor.job()}>
      {(job) => {
        const percent = () => {
          const download = job().download;
          return download && download.total > 0 ? Math.floor((download.loaded / download.total) * 100) : undefined;
        };
        return (
          <section class="progress" role="status" aria-live="polite" data-testid="progress" data-stage={job().stage}>
            <span>
              <strong>{job().fileName}</strong> —{' '}
              {job().stage === 'download' && percent() === 100
                ? 'Starting the on-device model…'
                : (job().remoteLabel ?? STAGE_LABEL[job().stage])}
            </span>
            <Show when={job().stage === 'download' && job().download}>
              {(download) => (
                <span data-testid="download-progress">
                  {formatBytes(download().loaded)} of {formatBytes(download().total)} ({percent()} %)
                </span>
              )}
            </Show>
            <Show when={percent()} fallback={<progress aria-label="Progress" />}>
              {(value) => <progress max={100} value={value()} aria-label="Progress" />}
            </Show>
            <button type="button" onClick={() => editor.cancel()}>
              Cancel
            </button>
          </section>
        );
      }}
    </Show>
  );
}
