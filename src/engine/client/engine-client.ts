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

export interface EngineClientOptions {
  /**
   * Stops the worker once it has been idle this long (as Squoosh does): the model it holds takes about
   * a gigabyte, which phones kill background tabs for. The model files stay cached, so the next call
   * only pays for loading them again (BENCH.md). Undefined: never released.
   */
  idleReleaseMs?: number;
  setTimer?: (callback: () => void, ms: number) => () => void;
}

export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private cancelIdleRelease: (() => void) | undefined;

  constructor(
    private readonly factory: WorkerFactory = createEngineWorker,
    private readonly options: EngineClientOptions = {},
  ) {}

  /** Whether a worker is running now (a released one starts again on the next call). */
  get alive(): boolean {
    return this.worker !== undefined;
  }

  /** Stops the worker now if no call is running (the page was hidden, say). */
  releaseIfIdle(): void {
    if (this.pending.size === 0) this.release();
  }

  call<M extends EngineMethod>(
    method: M,
    input: EngineMethods[M]['input'],
    options: CallOptions<M> = {},
  ): Promise<EngineMethods[M]['output']> {
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const worker = this.ensureWorker();
    this.cancelIdleRelease?.();
    this.cancelIdleRelease = undefined;
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
    this.release();
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(reason);
  }

  private release(): void {
    this.cancelIdleRelease?.();
    this.cancelIdleRelease = undefined;
    this.worker?.terminate();
    this.worker = undefined;
  }

  /** After the last running call, the worker is released unless another call comes first. */
  private scheduleIdleRelease(): void {
    const ms = this.options.idleReleaseMs;
    if (ms === undefined || this.pending.size > 0 || !this.worker) return;
    this.cancelIdleRelease?.();
    const setTimer =
      this.options.setTimer ??
      ((callback: () => void, delay: number) => {
        const timer = setTimeout(callback, delay);
        return () => clearTimeout(timer);
      });
    this.cancelIdleRelease = setTimer(() => this.releaseIfIdle(), ms);
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
    this.scheduleIdleRelease();
  }
}
