import { describe, expect, it, vi } from 'vitest';
import { createRoot, createSignal } from 'solid-js';
import { createFinisher, type FinishRequest, type FinishSource } from '../../../src/client/state/finish.ts';
import type { RenderInput } from '../../../src/engine/protocol.ts';
import { PHOTO_FRAME } from '../../../src/shared/image/finish.ts';

const plain: FinishRequest = {
  choices: { frame: PHOTO_FRAME, shadow: { kind: 'none' }, background: { kind: 'transparent' } },
  type: 'image/png',
  quality: 0.9,
};

function setup() {
  const renders: RenderInput[] = [];
  const waiting: Array<{ input: RenderInput; resolve: (blob: Blob) => void; reject: (error: Error) => void }> = [];
  const previews: Array<{ close: ReturnType<typeof vi.fn> }> = [];
  const [source, setSource] = createSignal<FinishSource | undefined>();
  const [request, setRequest] = createSignal<FinishRequest>(plain);
  let dispose = (): void => undefined;
  const finisher = createRoot((done) => {
    dispose = done;
    return createFinisher(
      {
        render: (input) => {
          renders.push(input);
          return new Promise((resolve, reject) => waiting.push({ input, resolve, reject }));
        },
        decodePreview: async () => {
          const preview = { close: vi.fn(), width: 1, height: 1 };
          previews.push(preview);
          return preview as unknown as ImageBitmap;
        },
        debounceMs: 100,
      },
      source,
      request,
    );
  });
  return { finisher, renders, waiting, previews, setSource, setRequest, dispose: () => dispose() };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('the finished file', () => {
  it('renders once for a burst of changes, with the last choices, and keeps its size for Download', async () => {
    vi.useFakeTimers();
    const { finisher, renders, waiting, setSource, setRequest } = setup();
    setSource({ png: new Blob(['cutout']), photo: new Blob(['photo']) });
    setRequest({ ...plain, type: 'image/webp' });
    setRequest({ ...plain, type: 'image/jpeg', quality: 0.8 });
    await vi.advanceTimersByTimeAsync(150);
    expect(renders).toHaveLength(1);
    expect(renders[0]).toMatchObject({ type: 'image/jpeg', quality: 0.8 });
    expect(finisher.rendering()).toBe(true);
    waiting[0]!.resolve(new Blob(['jpeg bytes']));
    await flush();
    expect(finisher.current()?.blob.size).toBe(10);
    // Download takes those very bytes: no second render.
    expect(await (await finisher.take())?.text()).toBe('jpeg bytes');
    expect(renders).toHaveLength(1);
    vi.useRealTimers();
  });

  it('drops a render whose choices changed meanwhile and releases superseded previews', async () => {
    vi.useFakeTimers();
    const { finisher, renders, waiting, previews, setSource, setRequest } = setup();
    setSource({ png: new Blob(['cutout']), photo: new Blob(['photo']) });
    await vi.advanceTimersByTimeAsync(150);
    setRequest({ ...plain, choices: { ...plain.choices, shadow: { kind: 'contact', opacity: 0.5, spread: 0.9 } } });
    waiting[0]!.resolve(new Blob(['old']));
    await flush();
    expect(finisher.current()).toBeUndefined();
    expect(previews[0]?.close).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(150);
    expect(renders).toHaveLength(2);
    waiting[1]!.resolve(new Blob(['new!']));
    await flush();
    expect(await finisher.current()?.blob.text()).toBe('new!');
    vi.useRealTimers();
  });

  it('says why a render failed (an unreadable background image) and nothing else changes', async () => {
    vi.useFakeTimers();
    const { finisher, waiting, setSource } = setup();
    setSource({ png: new Blob(['cutout']), photo: new Blob(['photo']) });
    await vi.advanceTimersByTimeAsync(150);
    waiting[0]!.reject(new Error('The background image could not be read.'));
    await flush();
    expect(finisher.error()).toBe('The background image could not be read.');
    expect(finisher.current()).toBeUndefined();
    vi.useRealTimers();
  });

  it('has nothing to render without a finished cutout', async () => {
    vi.useFakeTimers();
    const { finisher, renders } = setup();
    await vi.advanceTimersByTimeAsync(500);
    expect(renders).toHaveLength(0);
    expect(await finisher.take()).toBeUndefined();
    vi.useRealTimers();
  });
});
