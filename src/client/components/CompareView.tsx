import { createEffect, createSignal, Show } from 'solid-js';
import { useEditor } from '../services.ts';
import type { Result } from '../state/editor.ts';

const KEY_STEP = 2;
const PAGE_STEP = 10;

/**
 * The cutout over a checkerboard (or the chosen colour) with the original photo over it up to a
 * divider. The divider is dragged on the image itself (mouse, pen, touch) or moved with the arrow
 * keys on its handle; the checkerboard covers only the image, never the space around it.
 */
export function CompareView(props: { result: Result }) {
  const editor = useEditor();
  const [split, setSplit] = createSignal(50);
  let canvas: HTMLCanvasElement | undefined;
  let stage: HTMLDivElement | undefined;

  createEffect(() => {
    const preview = props.result.preview;
    if (!canvas) return;
    canvas.width = preview.width;
    canvas.height = preview.height;
    canvas.getContext('2d')?.drawImage(preview, 0, 0);
  });

  const backdrop = () => (editor.state.background.kind === 'color' ? { 'background-color': editor.state.background.color } : {});
  const clamp = (value: number): number => Math.min(100, Math.max(0, value));
  const splitAt = (clientX: number): void => {
    if (!stage) return;
    const box = stage.getBoundingClientRect();
    if (box.width > 0) setSplit(clamp(((clientX - box.left) / box.width) * 100));
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    const moves: Record<string, number> = {
      ArrowLeft: split() - KEY_STEP,
      ArrowDown: split() - KEY_STEP,
      ArrowRight: split() + KEY_STEP,
      ArrowUp: split() + KEY_STEP,
      PageDown: split() - PAGE_STEP,
      PageUp: split() + PAGE_STEP,
      Home: 0,
      End: 100,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    setSplit(clamp(next));
  };

  return (
    <figure class="compare" data-testid="compare">
      <Show when={!editor.showsCutoutOnly()}>
        <FinishedPreview />
      </Show>
      <div
        hidden={!editor.showsCutoutOnly()}
        ref={stage}
        class="stage"
        data-testid="compare-stage"
        onPointerDown={(event) => {
          if (event.button !== 0) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          splitAt(event.clientX);
        }}
        onPointerMove={(event) => {
          if (event.currentTarget.hasPointerCapture(event.pointerId)) splitAt(event.clientX);
        }}
      >
        <canvas
          ref={canvas}
          class="after"
          classList={{ checker: editor.state.background.kind === 'transparent' }}
          style={backdrop()}
          data-testid="cutout"
          role="img"
          aria-label={`Cutout of ${props.result.fileName}`}
        />
        <img
          class="before"
          src={props.result.originalUrl}
          alt=""
          draggable={false}
          style={{ 'clip-path': `inset(0 ${100 - split()}% 0 0)` }}
        />
        <div class="divider" style={{ left: `${split()}%` }}>
          <div
            class="handle"
            role="slider"
            tabindex="0"
            aria-label="Before and after: drag to compare the photo with the cutout"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow={Math.round(split())}
            aria-valuetext={`${Math.round(split())} % of the original shown`}
            data-testid="compare-handle"
            onKeyDown={onKeyDown}
          >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path d="M9 6l-5 6 5 6M15 6l5 6-5 6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
          </div>
        </div>
        <span class="stage-label before-label" aria-hidden="true">
          Before
        </span>
        <span class="stage-label after-label" aria-hidden="true">
          After
        </span>
      </div>
      <figcaption
        data-testid="result-caption"
        data-pass={props.result.pass}
        data-fast-preview-ms={props.result.timings?.fastPreviewMs}
        data-model-ms={props.result.timings?.modelMs}
        data-inference-ms={props.result.timings?.inferenceMs}
        data-foreground-ms={props.result.timings?.foregroundMs}
        data-total-ms={props.result.timings?.totalMs}
        data-backend={props.result.timings?.backend}
      >
        <span class="file-name">{props.result.fileName}</span> · {props.result.width}×{props.result.height}
        {props.result.pass === 'fast' ? ' · quick preview, refining…' : ''}
        {props.result.timings ? ` · cutout in ${(props.result.timings.totalMs / 1000).toFixed(1)} s` : ''}
      </figcaption>
    </figure>
  );
}

/**
 * The finished file as it will be saved (frame, shadow, blurred or image background), drawn from the
 * engine's render; the last one stays, marked as updating, while the next is made.
 */
function FinishedPreview() {
  const editor = useEditor();
  let canvas: HTMLCanvasElement | undefined;
  const [drawn, setDrawn] = createSignal(false);
  createEffect(() => {
    const preview = editor.finished.current()?.preview;
    if (!canvas || !preview) return;
    canvas.width = preview.width;
    canvas.height = preview.height;
    canvas.getContext('2d')?.drawImage(preview, 0, 0);
    setDrawn(true);
  });
  const updating = () => editor.finished.current() === undefined && !editor.finished.error();
  return (
    <div class="stage finished" classList={{ updating: updating() || !drawn() }} data-testid="finished-preview" aria-busy={updating()}>
      <canvas
        ref={canvas}
        classList={{ checker: editor.state.background.kind === 'transparent' }}
        role="img"
        aria-label="The finished file, as it will be saved"
      />
      <Show when={updating()}>
        <span class="stage-label after-label">Updating…</span>
      </Show>
    </div>
  );
}
