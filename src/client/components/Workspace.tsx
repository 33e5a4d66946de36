import { Match, Show, Switch } from 'solid-js';
import { useEditor } from '../services.ts';
import { EmptyState } from './EmptyState.tsx';
import { PendingPhoto } from './PendingPhoto.tsx';
import { CompareView } from './CompareView.tsx';
import { JobProgress } from './JobProgress.tsx';
import { ActionPanel } from './ActionPanel.tsx';
import type { SheetName } from './TopBar.tsx';

/**
 * The page's centre: the empty drop target, then the photo at once, then the cutout in its place,
 * with the actions beside it (desktop) or under it with a bottom bar (phone).
 */
export function Workspace(props: { onFiles: (files: File[]) => void; onOpenSheet: (name: SheetName) => void }) {
  const editor = useEditor();
  const busyWithoutImage = () => editor.job() !== undefined && !editor.pendingPhoto() && !editor.result();
  return (
    <main class="workspace" classList={{ empty: !editor.job() && !editor.result() }} id="main" tabindex="-1">
      <Switch>
        <Match when={editor.pendingPhoto()}>{(photo) => <PendingPhoto photo={photo()} />}</Match>
        <Match when={editor.result()}>
          {(result) => (
            <div class="stage-area">
              <CompareView result={result()} />
              <Show when={editor.job()}>
                <div class="stage-progress">
                  <JobProgress />
                </div>
              </Show>
            </div>
          )}
        </Match>
        <Match when={busyWithoutImage()}>
          <div class="stage-area">
            <JobProgress />
          </div>
        </Match>
        <Match when={true}>
          <EmptyState onFiles={props.onFiles} />
        </Match>
      </Switch>
      <Show when={editor.result() || editor.job()}>
        <ActionPanel onFiles={props.onFiles} onOpenSheet={props.onOpenSheet} />
      </Show>
    </main>
  );
}
