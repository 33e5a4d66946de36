import type { EngineRequest, EngineResponse } from '../../src/engine/protocol.ts';

/** A stand-in for a dedicated worker: records requests, lets the test answer them. */
export class ScriptedWorker extends EventTarget {
  readonly requests: EngineRequest[] = [];
  terminated = false;
  postMessage(request: EngineRequest): void {
    this.requests.push(request);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(response: EngineResponse): void {
    this.dispatchEvent(new MessageEvent('message', { data: response }));
  }
}
