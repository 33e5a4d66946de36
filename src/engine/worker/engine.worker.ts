/**
 * Entry point of the engine worker. Receives typed requests (see ../protocol.ts), answers with
 * progress, a result or a failure the UI can show. Cancellation is the client terminating us.
 */
import { internalFailure, outOfMemoryFailure, type CutoutFailure } from '../../shared/cutout-errors.ts';
import type { EngineRequest, EngineResponse } from '../protocol.ts';
import { ingestResult } from './ingest.ts';
import { FailureError, runCutout } from './pipeline.ts';
import { renderExport } from './render.ts';
import { createMatteSessions } from './matte.ts';

declare const self: DedicatedWorkerGlobalScope;

function post(message: EngineResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function describeFailure(error: unknown): CutoutFailure {
  if (error instanceof FailureError) return error.failure;
  // Canvas and WASM allocations fail with RangeError or an "allocation"/"memory" message.
  if (error instanceof RangeError || (error instanceof Error && /memory|allocation/i.test(error.message))) {
    return outOfMemoryFailure();
  }
  return internalFailure(error instanceof Error ? error.message : String(error));
}

const mattes = createMatteSessions();

self.addEventListener('message', (event: MessageEvent<EngineRequest>) => {
  const request = event.data;
  const fail = (error: unknown) => post({ id: request.id, kind: 'failure', failure: describeFailure(error) });
  switch (request.method) {
    case 'cutout':
      runCutout(request.input, (progress, transfer) => post({ id: request.id, kind: 'progress', progress }, transfer)).then(
        (output) => post({ id: request.id, kind: 'result', output }),
        fail,
      );
      break;
    case 'render':
      renderExport(request.input).then((output) => post({ id: request.id, kind: 'result', output }), fail);
      break;
    case 'ingest':
      ingestResult(request.input).then((output) => post({ id: request.id, kind: 'result', output }, [output.preview]), fail);
      break;
    case 'matteOpen':
      mattes.open(request.input).then((output) => post({ id: request.id, kind: 'result', output }), fail);
      break;
    case 'matteEdit':
      mattes
        .edit(request.input.session, request.input.action)
        .then((output) => post({ id: request.id, kind: 'result', output }, [output.preview]), fail);
      break;
    case 'matteEncode':
      mattes.encode(request.input.session).then((output) => post({ id: request.id, kind: 'result', output }), fail);
      break;
    case 'matteClose':
      mattes.close(request.input.session);
      post({ id: request.id, kind: 'result', output: null });
      break;
  }
});
