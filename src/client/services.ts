/**
 * The composition root: builds the app's services once, in dependency order, and hands them down in
 * one context. Nothing else constructs a service, and no module holds one in a global.
 */
import { createContext, createEffect, createSignal, on, onCleanup, useContext, type Accessor } from 'solid-js';
import { modelDownloadBytes } from 'virtual:model-sizes';
import type { Clock } from '../credits/logic/types.ts';
import { createAppUpdate, type AppUpdate } from './state/app-update.ts';
import { createConnectivity, type Connectivity } from './state/connectivity.ts';
import type { CreditsUi } from './state/credits.ts';
import { createEditor, type Editor } from './state/editor.ts';
import { createEndpoints, type Endpoints } from './state/endpoints.ts';
import { createKeys, type Keys } from './state/keys.ts';
import { createOfflineModel, type OfflineModelStore } from './state/offline-model.ts';
import { createRecents, type Recents } from './state/recents.ts';
import type { RecentFinish } from '../recents/store.ts';
import { createPaidActions, type PaidActions } from './state/paid-actions.ts';

/** The installed-app side of the page: service worker, offline model, network state. */
export interface Pwa {
  update: AppUpdate;
  offlineModel: OfflineModelStore;
  connectivity: Connectivity;
}

/** A paid cutout already kept for the photo just dropped, offered so nobody pays twice. */
export interface PaidBefore {
  id: string;
  madeBy: string;
  fileName: string;
  savedAt: number;
}

export interface RecentsFlow {
  recents: Recents;
  paidBefore: Accessor<PaidBefore | undefined>;
  /** Opens a kept cutout with its settings; false (with a message) when it cannot. */
  open: (id: string) => Promise<boolean>;
  /** Looks for a paid cutout of this very photo among the kept ones. */
  checkPaid: (photo: Blob) => Promise<void>;
  dismissPaidBefore: () => void;
}

export interface AppServices {
  editor: Editor;
  recents: RecentsFlow;
  endpoints: Endpoints;
  keys: Keys;
  paid: PaidActions;
  pwa: Pwa;
  /** The app's clock, re-read every `tickMs` for state that changes with time. */
  now: Accessor<number>;
}

export interface AppServicesOptions {
  /** The app's clock (the browser's, which tests control through Playwright's clock). */
  clock?: Clock;
  tickMs?: number;
}

/** Must run inside a Solid owner (the App component): services are disposed with it. */
export function createAppServices(options: AppServicesOptions = {}): AppServices {
  const clock = options.clock ?? { now: () => Date.now() };
  const [now, setNow] = createSignal(clock.now());
  const ticker = setInterval(() => setNow(clock.now()), options.tickMs ?? 30_000);

  const recents = createRecents();
  /** Which Recent record holds each result on screen (result id → record id), for its later edits. */
  const recentIds = new Map<number, string>();
  const finishNow = (): RecentFinish => editor.finishState();
  const editor = createEditor({
    modelDownloadBytes,
    onFinished: (result) => {
      if (!result.png) return;
      void recents
        .remember({
          fileName: result.fileName,
          madeBy: result.madeBy,
          ...(result.watermarked ? { watermarked: true } : {}),
          photo: result.sourceFile,
          cutout: result.png,
          width: result.width,
          height: result.height,
          preview: result.preview,
          finish: finishNow(),
        })
        .then((id) => id && recentIds.set(result.id, id));
    },
    onEdited: (result) => {
      const id = recentIds.get(result.id);
      if (id && result.png && result.modelPng)
        void recents.updateCutout(id, { cutout: result.png, modelCutout: result.modelPng, preview: result.preview });
    },
  });
  // Later edits of a kept cutout are kept with it.
  createEffect(
    on(
      () => JSON.stringify({ ...finishNow(), background: editor.state.background.kind === 'image' ? 'image' : editor.state.background }),
      () => {
        const shown = editor.result();
        const id = shown && recentIds.get(shown.id);
        if (id) void recents.updateFinish(id, finishNow());
      },
      { defer: true },
    ),
  );
  const [paidBefore, setPaidBefore] = createSignal<PaidBefore>();
  const recentsFlow: RecentsFlow = {
    recents,
    paidBefore,
    async open(id) {
      const record = await recents.load(id);
      if (!record) {
        editor.showMessage({ tone: 'error', text: 'That recent cutout is no longer on this device.' });
        await recents.refresh();
        return false;
      }
      const opened = await editor.reopen(record);
      const shown = editor.result();
      if (opened && shown) recentIds.set(shown.id, id);
      if (opened) setPaidBefore(undefined);
      return opened;
    },
    async checkPaid(photo) {
      setPaidBefore(undefined);
      const record = await recents.paidCutoutOf(photo);
      if (record) setPaidBefore({ id: record.id, madeBy: record.madeBy, fileName: record.fileName, savedAt: record.savedAt });
    },
    dismissPaidBefore: () => setPaidBefore(undefined),
  };
  const connectivity = createConnectivity();
  const endpoints = createEndpoints();
  const keys = createKeys({ endpoints, clock, now });
  const paid = createPaidActions({ editor, keys, endpoints, online: connectivity.online, now });
  // An update waits for a running cutout, export or paid call (paid calls run as editor jobs).
  const update = createAppUpdate({ isBusy: editor.busy });
  const offlineModel = createOfflineModel({ model: () => editor.state.model, send: update.send });
  // After a finished cutout (the model was fetched through the service worker) and on a model change.
  createEffect(on([() => editor.result()?.png, () => editor.state.model], () => void offlineModel.refresh()));

  // A hidden page keeps no idle model in memory (phones kill background tabs that hold a gigabyte).
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') editor.releaseEngineIfIdle();
  };
  document.addEventListener('visibilitychange', onVisibility);

  onCleanup(() => {
    document.removeEventListener('visibilitychange', onVisibility);
    clearInterval(ticker);
    keys.dispose();
    editor.dispose();
  });
  return { editor, endpoints, keys, paid, recents: recentsFlow, pwa: { update, offlineModel, connectivity }, now };
}

const AppContext = createContext<AppServices>();

export const AppServicesProvider = AppContext.Provider;

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp() outside <AppServicesProvider>');
  return services;
}

export const useEditor = (): Editor => useApp().editor;
export const usePwa = (): Pwa => useApp().pwa;
export const useRecents = (): RecentsFlow => useApp().recents;

/** The usage view's state; only rendered once the key store is open. */
export function useCredits(): CreditsUi {
  const credits = useApp().keys.credits();
  if (!credits) throw new Error('useCredits() before the key store is open');
  return credits;
}
