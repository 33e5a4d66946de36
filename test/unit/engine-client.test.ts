import { describe, expect, it } from 'vitest';
import { EngineClient, EngineFailureError } from '../../src/engine/client/engine-client.ts';
import { ScriptedWorker } from '../support/scripted-worker.ts';

function setup() {
  const workers: ScriptedWorker[] = [];
  const client = new EngineClient(() => {
    const worker = new ScriptedWorker();
    workers.push(worker);
    return worker as unknown as Worker;
  });
  return { client, workers };
}

const input = { file: new Blob(['x']), fileName: 'a.png', model: 'small' as const };

describe('EngineClient', () => {
  it('routes progress and the result to the call that asked', async () => {
    const { client, workers } = setup();
    const stages: string[] = [];
    const call = client.call('cutout', input, { onProgress: (progress) => stages.push(progress.stage) });
    const worker = workers[0]!;
    const id = worker.requests[0]!.id;
    worker.answer({ id, kind: 'progress', progress: { stage: 'inference' } });
    worker.answer({ id: id + 99, kind: 'progress', progress: { stage: 'encode' } });
    const png = new Blob(['png']);
    worker.answer({
      id,
      kind: 'result',
      output: { png, width: 2, height: 3, timings: { modelMs: 1, inferenceMs: 2, fastPreviewMs: 1, foregroundMs: 0, totalMs: 3 } },
    });
    await expect(call).resolves.toMatchObject({ png, width: 2, height: 3 });
    expect(stages).toEqual(['inference']);
  });

  it('turns a worker failure into an error carrying the message for the person', async () => {
    const { client, workers } = setup();
    const call = client.call('cutout', input);
    const worker = workers[0]!;
    worker.answer({ id: worker.requests[0]!.id, kind: 'failure', failure: { code: 'corrupt', message: 'damaged' } });
    await expect(call).rejects.toBeInstanceOf(EngineFailureError);
    await expect(call).rejects.toMatchObject({ failure: { code: 'corrupt' } });
  });

  it('cancels by terminating the worker; the next call gets a fresh one', async () => {
    const { client, workers } = setup();
    const controller = new AbortController();
    const call = client.call('cutout', input, { signal: controller.signal });
    controller.abort(new DOMException('Cancelled', 'AbortError'));
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(workers[0]!.terminated).toBe(true);

    void client.call('cutout', input);
    expect(workers).toHaveLength(2);
    expect(workers[1]!.terminated).toBe(false);
  });

  it('does not start work for an already aborted signal', async () => {
    const { client, workers } = setup();
    const controller = new AbortController();
    controller.abort();
    await expect(client.call('cutout', input, { signal: controller.signal })).rejects.toBeDefined();
    expect(workers).toHaveLength(0);
  });

  it('rejects pending calls when the worker dies instead of leaving them hanging', async () => {
    const { client, workers } = setup();
    const call = client.call('cutout', input);
    workers[0]!.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    await expect(call).rejects.toMatchObject({ failure: { code: 'internal', message: expect.stringContaining('out of memory') } });
  });
});

describe('EngineClient idle release', () => {
  function idleSetup() {
    const workers: ScriptedWorker[] = [];
    const timers: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
    const client = new EngineClient(
      () => {
        const worker = new ScriptedWorker();
        workers.push(worker);
        return worker as unknown as Worker;
      },
      {
        idleReleaseMs: 45_000,
        setTimer: (run, ms) => {
          const timer = { run, ms, cancelled: false };
          timers.push(timer);
          return () => void (timer.cancelled = true);
        },
      },
    );
    const finish = (worker: ScriptedWorker) =>
      worker.answer({
        id: worker.requests.at(-1)!.id,
        kind: 'result',
        output: {
          png: new Blob(),
          width: 1,
          height: 1,
          timings: { modelMs: 0, inferenceMs: 0, fastPreviewMs: 0, foregroundMs: 0, totalMs: 0 },
        },
      });
    return { client, workers, timers, finish };
  }

  it('releases the worker (and the model it holds) once idle, and starts a fresh one on the next call', async () => {
    const { client, workers, timers, finish } = idleSetup();
    const call = client.call('cutout', input);
    expect(timers).toHaveLength(0);
    finish(workers[0]!);
    await call;
    expect(timers.at(-1)?.ms).toBe(45_000);
    timers.at(-1)!.run();
    expect(workers[0]!.terminated).toBe(true);
    expect(client.alive).toBe(false);
    const next = client.call('cutout', input);
    expect(workers).toHaveLength(2);
    finish(workers[1]!);
    await next;
  });

  it('keeps the worker while work comes in, and releases at once when asked while idle (page hidden)', async () => {
    const { client, workers, timers, finish } = idleSetup();
    const first = client.call('cutout', input);
    finish(workers[0]!);
    await first;
    const second = client.call('cutout', input);
    expect(timers.at(-1)?.cancelled).toBe(true);
    client.releaseIfIdle();
    expect(workers[0]!.terminated).toBe(false);
    finish(workers[0]!);
    await second;
    client.releaseIfIdle();
    expect(workers[0]!.terminated).toBe(true);
  });
});
