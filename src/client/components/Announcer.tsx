import { createEffect, createSignal, on } from 'solid-js';
import { useEditor } from '../services.ts';

/**
 * Says in a polite live region what a screen-reader user cannot see happen: the quick preview, the
 * finished cutout. Failures and notices are announced by the message bar itself.
 */
export function Announcer() {
  const editor = useEditor();
  const [said, setSaid] = createSignal('');
  createEffect(
    on(
      () => {
        const result = editor.result();
        return result ? `${result.id}:${result.pass ?? ''}:${result.png ? 'file' : ''}` : '';
      },
      () => {
        const result = editor.result();
        if (!result) return;
        if (result.png && !editor.job()) {
          setSaid(`Cutout ready: ${result.fileName}, ${result.width} by ${result.height} pixels. Download is available.`);
        } else if (result.pass === 'fast') {
          setSaid(`Quick preview of ${result.fileName} shown; refining the edges.`);
        }
      },
    ),
  );
  return (
    <div class="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
      {said()}
    </div>
  );
}
