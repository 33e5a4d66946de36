import { createEffect, createSignal } from 'solid-js';
import { useEditor } from '../services.ts';
import type { Result } from '../state/editor.ts';

/** The cutout over a checkerboard (or the chosen colour), with a before/after slider. */
export function CompareView(props: { result: Result }) {
  const editor = useEditor();
  const [split, setSplit] = createSignal(50);
  let canvas: HTMLCanvasElement | undefined;

  createEffect(() => {
    const preview = props.result.preview;
    if (!canvas) return;
    canvas.width = preview.width;
    canvas.height = preview.height;
    canvas.getContext('2d')?.drawImage(preview, 0, 0);
  });

  const backdrop = () => (editor.state.background.kind === 'color' ? { 'background-color': editor.state.background.color } : {});

  return (
    <figure class="compare" data-testid="compare">
      <div class="stage" style={{ 'aspect-ratio': `${props.result.width} / ${props.result.height}` }}>
        <canvas
          ref={canvas}
          class="after"
          classList={{ checker: editor.state.background.kind === 'transparent' }}
          style={backdrop()}
          data-testid="cutout"
          aria-label="Cutout"
        />
        <img class="before" src={props.result.originalUrl} alt="Original" style={{ 'clip-path': `inset(0 ${100 - split()}% 0 0)` }} />
        <div class="divider" style={{ left: `${split()}%` }} />
      </div>
      <label class="slider">
        <span>Before / after</span>
        <input
          type="range"
          min="0"
          max="100"
          value={split()}
          onInput={(event) => setSplit(Number(event.currentTarget.value))}
          aria-label="Before and after"
        />
      </label>
      <figcaption
        data-testid="result-caption"
        data-pass={props.result.pass}
        data-fast-preview-ms={props.result.timings?.fastPreviewMs}
        data-model-ms={props.result.timings?.modelMs}
        data-inference-ms={props.result.timings?.inferenceMs}
        data-foreground-ms={props.result.timings?.foregroundMs}
        data-total-ms={props.result.timings?.totalMs}
      >
        {props.result.fileName} · {props.result.width}×{props.result.height}
        {props.result.pass === 'fast' ? ' · quick preview, refining…' : ''}
        {props.result.timings ? ` · cutout in ${(props.result.timings.totalMs / 1000).toFixed(1)} s` : ''}
      </figcaption>
    </figure>
  );
}
