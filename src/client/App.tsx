import { createEffect, on, onCleanup, onMount, Show } from 'solid-js';
import { createEditor } from './state/editor.ts';
import { EditorContext, ProvidersContext } from './state/context.ts';
import { createAccounts } from './state/accounts.ts';
import { createPaidExports } from './state/paid-exports.ts';
import { pickImageFile } from './state/input-files.ts';
import { DropZone } from './components/DropZone.tsx';
import { JobProgress } from './components/JobProgress.tsx';
import { CompareView } from './components/CompareView.tsx';
import { ExportBar } from './components/ExportBar.tsx';
import { BackgroundPicker } from './components/BackgroundPicker.tsx';
import { SettingsPanel } from './components/SettingsPanel.tsx';
import { MessageBar } from './components/MessageBar.tsx';
import { KeysPanel } from './components/KeysPanel.tsx';
import { PaidExports } from './components/PaidExports.tsx';
import { UsageView } from './components/usage/UsageView.tsx';
import { CreditsContext } from './state/credits.ts';
import { createAppUpdate } from './state/app-update.ts';
import { createConnectivity } from './state/connectivity.ts';
import { createOfflineModel } from './state/offline-model.ts';
import { consumeLaunchQueue, takeSharedFile } from './state/launch-files.ts';
import { PwaContext } from './state/pwa-context.ts';
import { AppStatus } from './components/AppStatus.tsx';
import { OfflinePanel } from './components/OfflinePanel.tsx';

export function App() {
  const editor = createEditor();
  const accounts = createAccounts();
  const connectivity = createConnectivity();
  const paid = createPaidExports(editor, accounts, connectivity.online);
  // An update waits for a running cutout, export or paid call (paid calls run as editor jobs).
  const update = createAppUpdate({ isBusy: () => editor.state.job !== undefined || editor.state.busyExport });
  const offlineModel = createOfflineModel({ model: () => editor.state.model, send: update.send });
  const pwa = { update, offlineModel, connectivity };
  // After a finished cutout (the model was fetched through the service worker) and on a model change.
  createEffect(on([() => editor.result()?.png, () => editor.state.model], () => void offlineModel.refresh()));

  function accept(files: readonly File[], source: string): void {
    const picked = pickImageFile(files);
    if (!picked.file) {
      editor.showMessage({ tone: 'error', text: `The ${source} held no file. Drop, paste or pick one image.` });
      return;
    }
    void editor.startCutout(picked.file, picked.note);
  }

  onMount(() => {
    const launch = { accept, showError: (text: string) => editor.showMessage({ tone: 'error', text }) };
    void takeSharedFile(launch);
    consumeLaunchQueue(launch);
    const onPaste = (event: ClipboardEvent): void => {
      const target = event.target;
      if (target instanceof HTMLInputElement && target.type !== 'file') return; // let text fields paste text
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) {
        editor.showMessage({ tone: 'error', text: 'The clipboard has no image. Copy an image, then paste again.' });
        return;
      }
      event.preventDefault();
      accept(files, 'clipboard');
    };
    const onDragOver = (event: DragEvent): void => event.preventDefault();
    const onDrop = (event: DragEvent): void => {
      event.preventDefault();
      accept([...(event.dataTransfer?.files ?? [])], 'drop');
    };
    document.addEventListener('paste', onPaste);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    onCleanup(() => {
      document.removeEventListener('paste', onPaste);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    });
  });
  onCleanup(() => editor.dispose());

  return (
    <EditorContext.Provider value={editor}>
      <PwaContext.Provider value={pwa}>
        <ProvidersContext.Provider value={{ accounts, paid }}>
          <AppStatus />
          <header class="top">
            <h1>
              Cutwise <span class="tagline">cut out the subject — on your device, nothing uploaded</span>
            </h1>
            <div class="panels">
              <KeysPanel />
              <SettingsPanel />
              <OfflinePanel />
            </div>
          </header>
          <main class="card">
            <MessageBar />
            <DropZone onFiles={(files) => accept(files, 'selection')} />
            <JobProgress />
            <Show when={editor.result()}>
              {(result) => (
                <section class="result" aria-label="Result">
                  <CompareView result={result()} />
                  <div class="tools">
                    <BackgroundPicker />
                    <ExportBar />
                  </div>
                  <PaidExports />
                </section>
              )}
            </Show>
            <Show when={accounts.credits()}>
              {(credits) => (
                <CreditsContext.Provider value={credits()}>
                  <details class="usage-panel" data-testid="usage-panel" open={credits().alerts().length > 0}>
                    <summary>Usage and balances</summary>
                    <UsageView />
                  </details>
                </CreditsContext.Provider>
              )}
            </Show>
          </main>
          <footer class="foot">Free and on-device. Licensed AGPL-3.0-or-later.</footer>
        </ProvidersContext.Provider>
      </PwaContext.Provider>
    </EditorContext.Provider>
  );
}
