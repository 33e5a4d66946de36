import { createSignal, onCleanup, Show } from 'solid-js';
import { JobProgress } from './JobProgress.tsx';
import { decodeScaled } from '../state/finish.ts';

/** Long side of the pending photo's copy: enough for the screen, a fraction of a 24 MP decode's memory. */
const PENDING_SIDE = 1600;

/**
 * The photo a person just dropped, on screen at once (dimmed) with the progress over it, until the
 * engine's preview replaces it in the same place. `createImageBitmap` decodes off the main thread,
 * scaled to screen size and upright by its EXIF orientation as the engine's decode is. It is not
 * shown through an `<img>` and a blob URL because Chromium reports a failed decode of one as a CSP
 * (connect-src) violation; a file the browser cannot decode (HEIC, corrupt) just shows the
 * progress, and the engine's own message says what went wrong.
 */
export function PendingPhoto(props: { photo: Blob }) {
  const [bitmap, setBitmap] = createSignal<ImageBitmap>();
  let current = true;
  onCleanup(() => {
    current = false;
    bitmap()?.close();
  });
  decodeScaled(props.photo, PENDING_SIDE).then(
    (small) => {
      if (current) setBitmap(small);
      else small.close();
    },
    () => undefined, // Not decodable here: the progress alone, the engine explains.
  );
  return (
    <div class="stage-area">
      <figure class="pending" classList={{ 'pending-shown': bitmap() !== undefined }} data-testid="pending-photo">
        <Show when={bitmap()}>
          {(shown) => (
            <canvas
              role="img"
              aria-label="Your photo, being cut out"
              data-testid="pending-image"
              ref={(canvas) => {
                canvas.width = shown().width;
                canvas.height = shown().height;
                canvas.getContext('2d')?.drawImage(shown(), 0, 0);
              }}
            />
          )}
        </Show>
        <div class="stage-progress">
          <JobProgress />
        </div>
      </figure>
    </div>
  );
}
