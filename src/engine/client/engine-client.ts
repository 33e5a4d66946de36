/**
 * Main-thread side of the engine bridge. One worker per client; a call can be cancelled with an
 * AbortSignal, which terminates the worker (the only way to stop a running WASM inference) and
 * lets the next call start a fresh one.
 */
import { internalFailure, type CutoutFailure } from '../../shared/cutout-errors.ts';
import type { EngineMethod, EngineMethods, EngineRequest, EngineResponse } from '../protocol.ts';

export class EngineFailureError extends Error {
  constructor(readonly failure: CutoutFailure) {
    super(failure.message);
    this.name = 'EngineFailureError';
  }
}

interface Pending {
  resolve(output: unknown): void;
  reject(error: unknown): void;
  onProgress?: (progress: never) => void;
}

export interface CallOptions<M extends EngineMethod> {
  signal?: AbortSignal;
  onProgress?: (progress: EngineMethods[M]['progress']) => void;
}

export type WorkerFactory = () => Worker;

export const createEngineWorker: WorkerFactory = () =>
  new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'cutwise-engine' });

export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly factory: WorkerFactory = createEngineWorker) {}

  call<M extends EngineMethod>(
    method: M,
    input: EngineMethods[M]['input'],
    options: CallOptions<M> = {},
  ): Promise<EngineMethods[M]['output']> {
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<EngineMethods[M]['output']>((resolve, reject) => {
      const onAbort = (): void => {
        this.terminate(signal?.reason ?? new DOMException('Cancelled', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (output) => {
          settle();
          resolve(output as EngineMethods[M]['output']);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        ...(onProgress ? { onProgress: onProgress as (progress: never) => void } : {}),
      });
      worker.postMessage({ id, method, input } as EngineRequest);
    });
  }

  /** Stops whatever runs now; pending calls reject with `reason`. */
  terminate(reason: unknown = new DOMException('Cancelled', 'AbortError')): void {
    this.worker?.terminate();
    this.worker = undefined;
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(reason);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.factory();
    worker.addEventListener('message', (event: MessageEvent<EngineResponse>) => this.onMessage(event.data));
    // A worker that dies (out of memory, a crash in WASM) must not leave calls hanging.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.terminate(new EngineFailureError(internalFailure(event.message || 'the engine stopped')));
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(message: EngineResponse): void {
    const call = this.pending.get(message.id);
    if (!call) return;
    if (message.kind === 'progress') {
      call.onProgress?.(message.progress as never);
      return;
    }
    this.pending.delete(message.id);
    if (message.kind === 'result') call.resolve(message.output);
    else call.reject(new EngineFailureError(message.failure));
  }
}
