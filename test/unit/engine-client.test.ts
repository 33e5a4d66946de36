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
    worker.answer({ id, kind: 'result', output: { png, width: 2, height: 3, timings: { modelMs: 1, inferenceMs: 2, totalMs: 3 } } });
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
