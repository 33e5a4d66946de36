import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { AppServicesProvider, createAppServices } from './services.ts';
import { pickImageFile } from './state/input-files.ts';
import { SettingsPanel } from './components/SettingsPanel.tsx';
import { MessageBar } from './components/MessageBar.tsx';
import { KeysPanel } from './components/KeysPanel.tsx';
import { UsageView } from './components/usage/UsageView.tsx';
import { consumeLaunchQueue, takeSharedFile, type SharedFileOffer } from './state/launch-files.ts';
import { SharedFilePrompt } from './components/SharedFilePrompt.tsx';
import { AppStatus } from './components/AppStatus.tsx';
import { OfflinePanel } from './components/OfflinePanel.tsx';
import { Sheet } from './components/Sheet.tsx';
import { TopBar, type SheetName } from './components/TopBar.tsx';
import { Workspace } from './components/Workspace.tsx';
import { Announcer } from './components/Announcer.tsx';
import { PaidBeforeOffer, RecentCutouts } from './components/RecentCutouts.tsx';

export function App() {
  const services = createAppServices();
  const { editor, keys, pwa } = services;
  const [sheet, setSheet] = createSignal<SheetName>();

  function accept(files: readonly File[], source: string): void {
    const picked = pickImageFile(files);
    if (!picked.file) {
      editor.showMessage({ tone: 'error', text: `The ${source} held no file. Drop, paste or choose one image.` });
      return;
    }
    void editor.startCutout(picked.file, picked.note);
    void services.recents.checkPaid(picked.file);
  }

  const [sharedOffer, setSharedOffer] = createSignal<SharedFileOffer>();
  const [dragging, setDragging] = createSignal(false);

  onMount(() => {
    const launch = { accept, showError: (text: string) => editor.showMessage({ tone: 'error', text }), offer: setSharedOffer };
    void takeSharedFile(launch);
    consumeLaunchQueue(launch);
    const onPaste = (event: ClipboardEvent): void => {
      const target = event.target;
      if (target instanceof HTMLInputElement && target.type !== 'file') return; // let text fields paste text
      if (target instanceof HTMLTextAreaElement) return;
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) {
        editor.showMessage({ tone: 'error', text: 'The clipboard has no image. Copy an image, then paste again.' });
        return;
      }
      event.preventDefault();
      accept(files, 'clipboard');
    };
    // A drop anywhere on the page is accepted, so the whole page says so while a file is over it.
    let depth = 0;
    const onDragEnter = (event: DragEvent): void => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      depth += 1;
      setDragging(true);
    };
    const onDragLeave = (): void => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDragOver = (event: DragEvent): void => event.preventDefault();
    const onDrop = (event: DragEvent): void => {
      event.preventDefault();
      depth = 0;
      setDragging(false);
      accept([...(event.dataTransfer?.files ?? [])], 'drop');
    };
    document.addEventListener('paste', onPaste);
    window.addEventListener('dragenter', onDragEnter);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    onCleanup(() => {
      document.removeEventListener('paste', onPaste);
      window.removeEventListener('dragenter', onDragEnter);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    });
  });

  const closeSheet = (): void => {
    setSheet(undefined);
  };

  return (
    <AppServicesProvider value={services}>
      <div class="app" classList={{ dragging: dragging() }}>
        <TopBar open={sheet()} onOpen={setSheet} />
        <AppStatus />
        <Show when={sharedOffer()}>{(offer) => <SharedFilePrompt offer={offer()} />}</Show>
        <PaidBeforeOffer />
        <Workspace onFiles={(files) => accept(files, 'selection')} onOpenSheet={setSheet} />
        <MessageBar />
        <Announcer />
        <footer class="foot">
          Free and on-device: your photo never leaves this device unless you ask a paid provider. Licensed AGPL-3.0-or-later.
        </footer>
      </div>
      <Sheet
        open={sheet() === 'recent'}
        title="Recent cutouts"
        testId="recent-panel"
        onClose={closeSheet}
        onOpen={() => void services.recents.recents.refresh()}
      >
        <RecentCutouts onOpened={closeSheet} />
      </Sheet>
      <Sheet open={sheet() === 'keys'} title="Keys" testId="keys-panel" onClose={closeSheet}>
        <KeysPanel />
      </Sheet>
      <Show when={keys.credits()}>
        <Sheet open={sheet() === 'usage'} title="Usage and balances" testId="usage-panel" onClose={closeSheet}>
          <UsageView />
        </Sheet>
      </Show>
      <Sheet
        open={sheet() === 'offline'}
        title="Offline use"
        testId="offline-panel"
        onClose={closeSheet}
        onOpen={() => void pwa.offlineModel.refresh()}
      >
        <OfflinePanel />
      </Sheet>
      <Sheet open={sheet() === 'settings'} title="Settings" testId="settings-panel" onClose={closeSheet}>
        <SettingsPanel />
      </Sheet>
    </AppServicesProvider>
  );
}
