import { createEffect, createSignal, onCleanup, onMount, Show } from 'solid-js';
import { AppServicesProvider, createAppServices } from './services.ts';
import { pickImageFile } from './state/input-files.ts';
import { DropZone } from './components/DropZone.tsx';
import { JobProgress } from './components/JobProgress.tsx';
import { PendingPhoto } from './components/PendingPhoto.tsx';
import { CompareView } from './components/CompareView.tsx';
import { ExportBar } from './components/ExportBar.tsx';
import { BackgroundPicker } from './components/BackgroundPicker.tsx';
import { SettingsPanel } from './components/SettingsPanel.tsx';
import { MessageBar } from './components/MessageBar.tsx';
import { KeysPanel } from './components/KeysPanel.tsx';
import { PaidExports } from './components/PaidExports.tsx';
import { UsageView } from './components/usage/UsageView.tsx';
import { consumeLaunchQueue, takeSharedFile, type SharedFileOffer } from './state/launch-files.ts';
import { SharedFilePrompt } from './components/SharedFilePrompt.tsx';
import { AppStatus } from './components/AppStatus.tsx';
import { OfflinePanel } from './components/OfflinePanel.tsx';

export function App() {
  const services = createAppServices();
  const { editor, keys } = services;

  function accept(files: readonly File[], source: string): void {
    const picked = pickImageFile(files);
    if (!picked.file) {
      editor.showMessage({ tone: 'error', text: `The ${source} held no file. Drop, paste or pick one image.` });
      return;
    }
    void editor.startCutout(picked.file, picked.note);
  }

  const [sharedOffer, setSharedOffer] = createSignal<SharedFileOffer>();

  onMount(() => {
    const launch = { accept, showError: (text: string) => editor.showMessage({ tone: 'error', text }), offer: setSharedOffer };
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

  return (
    <AppServicesProvider value={services}>
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
        <Show when={sharedOffer()}>{(offer) => <SharedFilePrompt offer={offer()} />}</Show>
        <DropZone onFiles={(files) => accept(files, 'selection')} />
        <Show when={editor.pendingPhoto()} fallback={<JobProgress />}>
          {(photo) => <PendingPhoto photo={photo()} />}
        </Show>
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
        <Show when={keys.credits()}>
          {(credits) => (
            <details
              class="usage-panel"
              data-testid="usage-panel"
              ref={(panel) => {
                // An alert opens the panel; it never closes it under the person's hands when the alert goes.
                createEffect(() => {
                  if (credits().alerts().length > 0) panel.open = true;
                });
              }}
            >
              <summary>Usage and balances</summary>
              <UsageView />
            </details>
          )}
        </Show>
      </main>
      <footer class="foot">Free and on-device. Licensed AGPL-3.0-or-later.</footer>
    </AppServicesProvider>
  );
}
