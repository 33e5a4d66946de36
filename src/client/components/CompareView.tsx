import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import { actualPixels, clampView, FIT, imageFraction, maxScale, panBy, zoomAbout, type Box, type View } from '../format/zoom.ts';
import { useEditor } from '../services.ts';
import type { Result } from '../state/editor.ts';
import type { BrushPoint } from '../../shared/image/matte-edit.ts';

const KEY_STEP = 2;
const PAGE_STEP = 10;
const ZOOM_STEP = 1.5;

/**
 * The cutout over a checkerboard (or the chosen colour) with the original photo over it up to a
 * divider. The divider is dragged on the image itself (mouse, pen, one finger) or moved with the
 * arrow keys on its handle; the checkerboard covers only the image, never the space around it.
 * Zoom with the wheel, a pinch, the + − 0 1 keys or the buttons (1:1 shows the photo's own pixels);
 * pan with two fingers, the middle button, or a drag while Space is held. With Erase or Restore in hand
 * (MatteTools), a drag paints on the cutout instead: drawn at once on the screen copy, applied to the
 * full-resolution matte by the worker when the stroke ends, whose screen copy then replaces the sketch.
 */
export function CompareView(props: { result: Result }) {
  const editor = useEditor();
  const [split, setSplit] = createSignal(50);
  const [view, setView] = createSignal<View>(FIT);
  const [box, setBox] = createSignal<Box>({ width: 1, height: 1 });
  let canvas: HTMLCanvasElement | undefined;
  let stage: HTMLDivElement | undefined;
  let photo: HTMLImageElement | undefined;
  let spaceHeld = false;
  const matte = editor.matte;
  const brushing = (): boolean => matte.tool() !== 'compare';
  /** The stage shows the cutout itself (not the rendered file) when nothing is added to it, and while brushing. */
  const showStage = (): boolean => editor.showsCutoutOnly() || brushing();

  // A new result starts fitted; an edit of the same one keeps the zoom.
  createEffect(
    on(
      () => props.result.id,
      () => setView(FIT),
    ),
  );
  createEffect(() => {
    const preview = props.result.preview;
    if (!canvas) return;
    canvas.width = preview.width;
    canvas.height = preview.height;
    canvas.getContext('2d')?.drawImage(preview, 0, 0);
  });

  const max = (): number => maxScale(box(), props.result.width);
  const zoomBy = (factor: number, at?: { x: number; y: number }): void => {
    setView(zoomAbout(view(), factor, at ?? { x: box().width / 2, y: box().height / 2 }, box(), max()));
  };
  const oneToOne = (): void => {
    setView(actualPixels(view(), box(), props.result.width, window.devicePixelRatio || 1, max()));
  };

  onMount(() => {
    if (!stage) return;
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      setBox({ width: entry.contentRect.width || 1, height: entry.contentRect.height || 1 });
      setView((current) => clampView(current, box(), max()));
    });
    observer.observe(stage);
    // Wheel zoom needs a non-passive listener to keep the page from scrolling under the pointer.
    const onWheel = (event: WheelEvent): void => {
      if (!stage) return;
      event.preventDefault();
      const rect = stage.getBoundingClientRect();
      zoomBy(Math.exp(-event.deltaY * 0.002), { x: event.clientX - rect.left, y: event.clientY - rect.top });
    };
    stage.addEventListener('wheel', onWheel, { passive: false });
    const typing = (target: EventTarget | null): boolean =>
      target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === ' ' && !typing(event.target)) spaceHeld = event.type === 'keydown';
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKey);
    onCleanup(() => {
      observer.disconnect();
      stage?.removeEventListener('wheel', onWheel);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keyup', onKey);
    });
  });

  const backdrop = () => (editor.state.background.kind === 'color' ? { 'background-color': editor.state.background.color } : {});
  const clamp = (value: number): number => Math.min(100, Math.max(0, value));
  const splitAt = (clientX: number): void => {
    if (!stage) return;
    const rect = stage.getBoundingClientRect();
    if (rect.width > 0) setSplit(clamp(imageFraction(view(), clientX - rect.left, box()) * 100));
  };
  /** Where the divider is on screen, in % of the stage, whatever the zoom. */
  const dividerLeft = (): number => ((view().x + (split() / 100) * box().width * view().scale) / box().width) * 100;

  // Pointers on the stage: one drags the divider (or pans with Space / the middle button), two pinch and pan.
  const pointers = new Map<number, { x: number; y: number }>();
  let panning = false;

  // Brushing: the stroke in photo pixels, and its sketch on the screen copy until the worker's arrives.
  const [ring, setRing] = createSignal<{ x: number; y: number }>();
  let stroke: { points: BrushPoint[]; radius: number } | undefined;
  const toPhoto = (clientX: number, clientY: number): { point: BrushPoint; perScreenPixel: number } | undefined => {
    const rect = canvas?.getBoundingClientRect();
    if (!rect || rect.width === 0 || rect.height === 0) return undefined;
    const perScreenPixel = props.result.width / rect.width;
    return {
      point: { x: (clientX - rect.left) * perScreenPixel, y: (clientY - rect.top) * (props.result.height / rect.height) },
      perScreenPixel,
    };
  };
  const sketch = (from: BrushPoint, to: BrushPoint, radius: number): void => {
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const scale = canvas.width / props.result.width;
    context.save();
    context.lineCap = 'round';
    context.lineWidth = 2 * radius * scale;
    if (matte.smart()) {
      // What a smart stroke keeps depends on the photo's colours: a tint until the worker's answer.
      context.strokeStyle = 'rgb(37 99 235 / 0.35)';
    } else if (matte.tool() === 'erase') {
      context.globalCompositeOperation = 'destination-out';
      context.strokeStyle = '#000';
    } else {
      const pattern = photo?.complete && photo.naturalWidth > 0 ? context.createPattern(photo, 'no-repeat') : null;
      pattern?.setTransform(new DOMMatrix().scale(canvas.width / (photo?.naturalWidth ?? 1), canvas.height / (photo?.naturalHeight ?? 1)));
      context.strokeStyle = pattern ?? 'rgb(37 99 235 / 0.35)';
    }
    context.beginPath();
    context.moveTo(from.x * scale, from.y * scale);
    context.lineTo(to.x * scale, to.y * scale);
    context.stroke();
    context.restore();
  };
  const startStroke = (event: PointerEvent): void => {
    const at = toPhoto(event.clientX, event.clientY);
    if (!at) return;
    const radius = (matte.brushSize() / 2) * at.perScreenPixel;
    stroke = { points: [at.point], radius };
    sketch(at.point, at.point, radius);
  };
  const extendStroke = (event: PointerEvent): void => {
    const at = toPhoto(event.clientX, event.clientY);
    const last = stroke?.points[stroke.points.length - 1];
    if (!at || !stroke || !last) return;
    stroke.points.push(at.point);
    sketch(last, at.point, stroke.radius);
  };
  const endStroke = (): void => {
    const ended = stroke;
    stroke = undefined;
    if (!ended) return;
    const tool = matte.tool();
    if (tool === 'compare') return;
    // The worker's screen copy replaces the sketch; a stroke that changed nothing leaves the one there was.
    void matte.stroke({ mode: tool, smart: matte.smart(), radius: ended.radius, hardness: 0.6, points: ended.points }).then(redraw);
  };
  /** Draws the result's screen copy again, over any sketch. */
  const redraw = (): void => {
    const context = canvas?.getContext('2d');
    if (!canvas || !context || stroke) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.drawImage(props.result.preview, 0, 0);
  };
  /** A second finger means a pinch: the stroke begun by the first is dropped, and its sketch with it. */
  const dropStroke = (): void => {
    if (!stroke) return;
    stroke = undefined;
    redraw();
  };
  const moveRing = (event: PointerEvent): void => {
    if (!stage || !brushing() || event.pointerType === 'touch') return setRing(undefined);
    const rect = stage.getBoundingClientRect();
    setRing({ x: event.clientX - rect.left, y: event.clientY - rect.top });
  };

  const onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0 && event.button !== 1) return;
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    panning = pointers.size > 1 || spaceHeld || event.button === 1;
    if (panning) dropStroke();
    else if (brushing()) startStroke(event);
    else splitAt(event.clientX);
  };
  const onPointerMove = (event: PointerEvent): void => {
    moveRing(event);
    const last = pointers.get(event.pointerId);
    if (!last || !stage) return;
    const others = [...pointers.entries()].filter(([id]) => id !== event.pointerId).map(([, point]) => point);
    const other = others[0];
    if (other) {
      // Pinch: zoom by the change of distance about the midpoint, pan by the midpoint's move.
      const rect = stage.getBoundingClientRect();
      const before = Math.hypot(last.x - other.x, last.y - other.y);
      const after = Math.hypot(event.clientX - other.x, event.clientY - other.y);
      const mid = { x: (event.clientX + other.x) / 2 - rect.left, y: (event.clientY + other.y) / 2 - rect.top };
      if (before > 0) setView(zoomAbout(view(), after / before, mid, box(), max()));
      setView(panBy(view(), (event.clientX - last.x) / 2, (event.clientY - last.y) / 2, box(), max()));
    } else if (panning) {
      setView(panBy(view(), event.clientX - last.x, event.clientY - last.y, box(), max()));
    } else if (stroke) {
      extendStroke(event);
    } else if (!brushing()) {
      splitAt(event.clientX);
    }
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
  };
  const onPointerUp = (event: PointerEvent): void => {
    pointers.delete(event.pointerId);
    if (pointers.size === 0) {
      panning = false;
      endStroke();
    }
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
  const onZoomKeys = (event: KeyboardEvent): void => {
    const actions: Record<string, () => void> = {
      '+': () => zoomBy(ZOOM_STEP),
      '=': () => zoomBy(ZOOM_STEP),
      '-': () => zoomBy(1 / ZOOM_STEP),
      '0': () => setView(FIT),
      '1': oneToOne,
    };
    const action = actions[event.key];
    if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    action();
  };

  return (
    <figure class="compare" data-testid="compare" onKeyDown={onZoomKeys}>
      <Show when={!showStage()}>
        <FinishedPreview />
      </Show>
      <div
        hidden={!showStage()}
        ref={stage}
        class="stage"
        classList={{ zoomed: view().scale > 1, brushing: brushing() }}
        data-tool={matte.tool()}
        data-testid="compare-stage"
        data-zoom={view().scale.toFixed(3)}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onPointerLeave={() => setRing(undefined)}
      >
        <div class="zoom-layer" style={{ transform: `translate(${view().x}px, ${view().y}px) scale(${view().scale})` }}>
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
            ref={photo}
            class="before"
            src={props.result.originalUrl}
            alt=""
            draggable={false}
            hidden={brushing()}
            style={{ 'clip-path': `inset(0 ${100 - split()}% 0 0)` }}
          />
        </div>
        <Show when={ring()}>
          {(at) => (
            <div
              class="brush-ring"
              aria-hidden="true"
              style={{ left: `${at().x}px`, top: `${at().y}px`, width: `${matte.brushSize()}px`, height: `${matte.brushSize()}px` }}
            />
          )}
        </Show>
        <div class="divider" style={{ left: `${dividerLeft()}%` }} hidden={brushing() || dividerLeft() < 0 || dividerLeft() > 100}>
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
        <span class="stage-label before-label" aria-hidden="true" hidden={brushing()}>
          Before
        </span>
        <span class="stage-label after-label" aria-hidden="true">
          After
        </span>
      </div>
      <div class="zoom-bar" role="group" aria-label="Zoom" hidden={!showStage()}>
        <button type="button" class="icon-button" aria-label="Zoom out" data-testid="zoom-out" onClick={() => zoomBy(1 / ZOOM_STEP)}>
          −
        </button>
        <button type="button" data-testid="zoom-fit" aria-pressed={view().scale === 1} onClick={() => setView(FIT)}>
          Fit
        </button>
        <button type="button" data-testid="zoom-1to1" onClick={oneToOne}>
          1:1
        </button>
        <button type="button" class="icon-button" aria-label="Zoom in" data-testid="zoom-in" onClick={() => zoomBy(ZOOM_STEP)}>
          +
        </button>
        <span class="hint" data-testid="zoom-level" aria-live="polite">
          {Math.round(view().scale * 100)} %
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
