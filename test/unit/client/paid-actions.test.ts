/**
 * The client's paid path end to end below the UI: keys (an in-memory vault), endpoints, the real
 * credits coordinator (fake-indexeddb) and the editor (scripted workers), against the PhotoRoom and
 * remove.bg fakes, with the app clock on either side of remove.bg's closing.
 */
import 'fake-indexeddb/auto';
import { createRoot, createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEditor } from '../../../src/client/state/editor.ts';
import { createEndpoints } from '../../../src/client/state/endpoints.ts';
import { createKeys } from '../../../src/client/state/keys.ts';
import { createPaidActions } from '../../../src/client/state/paid-actions.ts';
import { preflightWords } from '../../../src/client/format/credits.ts';
import { createCreditsCoordinator } from '../../../src/credits/coordinator/index.ts';
import { openCreditsStore } from '../../../src/credits/persistence/store.ts';
import { broadcastChannel, inProcessLocks } from '../../../src/credits/tabs.ts';
import { EngineClient } from '../../../src/engine/client/engine-client.ts';
import { openKeyVault } from '../../../src/keys/vault.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import { ScriptedWorker } from '../../support/scripted-worker.ts';
import { subjectOnWhite } from '../providers/images.ts';

const CLOSING = Date.parse('2026-12-01T08:00:00Z');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let counter = 0;
/** Ids of the keys decrypted, in order. */
const reveals: string[] = [];
async function setUp(startAt: number) {
  const photoroom = await startFakeProvider('photoroom');
  const removebg = await startFakeProvider('removebg');
  photoroom.setBalance('pr_key_0001', 10);
  removebg.setBalance('rb_key_0002', 5);
  cleanups.push(
    () => photoroom.close(),
    () => removebg.close(),
  );
  const renderWorkers: ScriptedWorker[] = [];
  const cutoutWorkers: ScriptedWorker[] = [];
  let time = startAt;
  const clock = { now: () => time };
  const services = createRoot((dispose) => {
    cleanups.push(dispose);
    const [now, setNow] = createSignal(time);
    const editor = createEditor({
      cutoutEngine: new EngineClient(() => {
        const worker = new ScriptedWorker();
        cutoutWorkers.push(worker);
        return worker as unknown as Worker;
      }),
      renderEngine: new EngineClient(() => {
        const worker = new ScriptedWorker();
        renderWorkers.push(worker);
        return worker as unknown as Worker;
      }),
      settings: { getItem: () => null, setItem: () => undefined },
      modelDownloadBytes: { small: 1, medium: 1 },
      save: vi.fn(),
    });
    const values = {
      photoroom: { segmentBase: photoroom.url, imageApiBase: photoroom.url },
      removebg: { base: removebg.url },
      withoutbg: {},
      leonardo: {},
    };
    const endpoints = createEndpoints({ openStore: async () => ({ load: async () => values, save: async () => undefined }) });
    const keys = createKeys({
      endpoints,
      clock,
      now,
      openVault: async () => {
        const vault = await openKeyVault(`paid-actions-keys-${crypto.randomUUID()}`);
        return { ...vault, reveal: (id, boundTo) => (reveals.push(id), vault.reveal(id, boundTo)) };
      },
      openCoordinator: async (secretFor) =>
        createCreditsCoordinator({
          store: await openCreditsStore(`paid-actions-${++counter}`),
          locks: inProcessLocks(),
          channel: broadcastChannel(`pa-${counter}`),
          clock,
          secretFor,
        }),
    });
    const paid = createPaidActions({ editor, keys, endpoints, online: () => true, now });
    return { editor, keys, paid, setTime: (at: number) => ((time = at), setNow(at)) };
  });
  cleanups.push(
    () => services.keys.dispose(),
    () => services.editor.dispose(),
  );
  await services.keys.ready;
  return { ...services, photoroom, removebg, renderWorkers, cutoutWorkers };
}

const bitmap = () => ({ close: vi.fn() }) as unknown as ImageBitmap;

/** Puts a finished on-device result on screen, the engine answered by its scripted worker. */
async function onDeviceResult(app: Awaited<ReturnType<typeof setUp>>): Promise<void> {
  const file = new File([await subjectOnWhite(20, 10).arrayBuffer()], 'photo.png', { type: 'image/png' });
  const running = app.editor.startCutout(file);
  const worker = app.cutoutWorkers.at(-1)!;
  const { id } = worker.requests.at(-1)!;
  worker.answer({ id, kind: 'progress', progress: { stage: 'preview', preview: bitmap(), width: 20, height: 10, pass: 'full' } });
  worker.answer({
    id,
    kind: 'result',
    output: {
      png: new Blob(['png']),
      width: 20,
      height: 10,
      timings: { modelMs: 0, inferenceMs: 0, fastPreviewMs: 0, foregroundMs: 0, totalMs: 0 },
    },
  });
  expect(await running).toBe(true);
}

describe('paid actions', () => {
  it('adds keys, offers HD with its cost and the best route, and pays through the preflight into the editor', async () => {
    const app = await setUp(CLOSING - 3_600_000);
    expect(await app.keys.add('photoroom', 'pr_key_0001')).toMatchObject({ saved: true });
    expect(await app.keys.add('removebg', 'rb_key_0002')).toMatchObject({ saved: true });
    expect(app.paid.hdOffers().map((offer) => [offer.provider, offer.label, offer.cost])).toEqual([
      ['photoroom', "PhotoRoom's cutout", '1 image (Basic plan) · 10 images left'],
      ['removebg', "remove.bg's cutout", '1 credit · 5 credits left'],
    ]);
    // Both cost one unit and neither has a price in money for remove.bg: the fuller balance is proposed.
    expect(app.paid.hdRoute()?.pick?.provider).toBe('photoroom');

    // A result to improve on: the editor's runner needs a finished one.
    await onDeviceResult(app);
    const decrypted = reveals.length;
    await app.paid.exportHd('photoroom');
    const pending = app.paid.pending()!;
    // Pricing the call needed no key: it is decrypted only once the person pays.
    expect(reveals.length).toBe(decrypted);
    expect(preflightWords(pending.preflight).sentence).toBe('Uses 1 of your 10 images (Basic plan: a background removal costs 1).');
    expect(pending.title).toBe("PhotoRoom's cutout");
    // Nothing else is proposed while one question is open.
    await app.paid.exportHd('removebg');
    expect(app.paid.pending()).toBe(pending);
    const paying = pending.pay();
    expect(app.paid.pending()).toBeUndefined();
    expect(app.paid.payingFor()).toBe("PhotoRoom's cutout");
    // Pressed twice: the second press sends nothing.
    await expect(pending.pay()).resolves.toBe(false);
    await vi.waitFor(() => expect(app.renderWorkers.at(-1)?.requests.length).toBeGreaterThan(0));
    const ingest = app.renderWorkers.at(-1)!;
    const request = ingest.requests.at(-1)!;
    expect(request.method).toBe('ingest');
    ingest.answer({ id: request.id, kind: 'result', output: { preview: bitmap(), width: 20, height: 10, png: new Blob(['hd']) } });
    await expect(paying).resolves.toBe(true);
    expect(app.paid.paying()).toBe(false);
    expect(reveals.length).toBeGreaterThan(decrypted);
    expect(app.editor.result()?.madeBy).toBe('PhotoRoom');
    expect(app.paid.madeByWords(app.editor.result()!.madeBy)).toBe("PhotoRoom's cutout");
    expect(app.editor.state.message?.text).toBe('PhotoRoom cutout ready, 20×10.');
    expect(app.photoroom.balance('pr_key_0001')).toBe(9);
    await vi.waitFor(() => expect(app.paid.hdOffers()[0]?.cost).toBe('1 image (Basic plan) · 9 images left'));
  });

  it('a preflight blocked by the balance offers the top-up page and checks the balance again, then lets the person pay', async () => {
    const app = await setUp(CLOSING - 3_600_000);
    app.photoroom.setBalance('pr_key_0001', 0);
    await app.keys.add('photoroom', 'pr_key_0001');
    await onDeviceResult(app);
    await app.paid.exportHd('photoroom');
    const blocked = app.paid.pending()!;
    expect(blocked.preflight).toMatchObject({ status: 'blocked', reason: 'cannot-pay' });
    expect(blocked.topUpUrl).toBe('https://www.photoroom.com/api/pricing');
    expect(blocked.recheck).toBeDefined();

    // Topped up elsewhere; the balance was read moments ago, so the provider's limit holds the check back.
    app.photoroom.setBalance('pr_key_0001', 3);
    await blocked.recheck!();
    expect(app.paid.pending()).toMatchObject({ preflight: { status: 'blocked' } });
    expect(app.paid.pending()?.checking).toBeFalsy();
    expect(app.paid.pending()?.note).toMatch(/next check is possible in \d+ s/);

    // The check lands once the limits allow (here: any balance check): the question is worked out again by itself.
    const start = CLOSING - 3_600_000;
    app.setTime(start + 46_000);
    await app.keys.refresh('photoroom');
    await vi.waitFor(() => expect(app.paid.pending()?.preflight.status).toBe('ok'));
    const ready = app.paid.pending()!;
    expect(ready.note).toBe('Balance checked just now.');
    expect(ready.recheck).toBeUndefined();
    expect(ready.topUpUrl).toBeUndefined();
    expect(preflightWords(ready.preflight).sentence).toBe('Uses 1 of your 3 images (Basic plan: a background removal costs 1).');
    app.paid.dismiss();

    // Spent elsewhere, then topped up: "Check balance again" reads it at once when the limits allow.
    app.photoroom.setBalance('pr_key_0001', 0);
    app.setTime(start + 92_000);
    await app.keys.refresh('photoroom');
    await app.paid.exportHd('photoroom');
    expect(app.paid.pending()?.preflight.status).toBe('blocked');
    app.photoroom.setBalance('pr_key_0001', 2);
    app.setTime(start + 138_000);
    await app.paid.pending()!.recheck!();
    expect(app.paid.pending()?.preflight.status).toBe('ok');
    expect(app.paid.pending()?.note).toBe('Balance checked just now.');
    expect(preflightWords(app.paid.pending()!.preflight).sentence).toBe(
      'Uses 1 of your 2 images (Basic plan: a background removal costs 1).',
    );
    app.paid.dismiss();
    expect(app.paid.pending()).toBeUndefined();
  });

  it('from the closing on, remove.bg is neither offered nor routed to, and cannot be added again', async () => {
    const app = await setUp(CLOSING - 60_000);
    await app.keys.add('removebg', 'rb_key_0002');
    expect(app.paid.hdOffers().map((offer) => offer.provider)).toEqual(['removebg']);
    app.setTime(CLOSING);
    expect(app.keys.status('removebg')).toMatchObject({ state: 'retired', by: 'date', successor: 'leonardo' });
    expect(app.paid.hdOffers()).toEqual([]);
    expect(app.paid.hdRoute()?.pick).toBeUndefined();
    expect(app.paid.offeredProviders()).toBe('PhotoRoom, withoutBG or Leonardo.Ai');
    const again = await app.keys.add('removebg', 'rb_key_0002');
    expect(again.saved).toBe(false);
    expect(again.saved === false && again.reason).toMatch(/create a Leonardo\.Ai API key/);
    // Its history and key stay until forgotten.
    expect(app.keys.state.saved.removebg).toBeDefined();
    await app.keys.forget('removebg');
    expect(app.keys.state.saved.removebg).toBeUndefined();
  });
});
