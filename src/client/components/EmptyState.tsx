import { keepFocusOnRemoval } from './focus.ts';
import { FilePicker } from './FilePicker.tsx';
import { Icon } from './icons/Icon.tsx';
import { SamplePhotos } from './SamplePhotos.tsx';

/** The first screen: one large target to choose, drop or paste a photo, and samples to try. */
export function EmptyState(props: { onFiles: (files: File[]) => void }) {
  keepFocusOnRemoval();
  return (
    <section class="empty-state" data-testid="dropzone" aria-labelledby="empty-title">
      <div class="drop-target">
        <Icon name="image" size={48} />
        <h2 id="empty-title">Cut the subject out of a photo</h2>
        <p>On this device: your photo is not uploaded.</p>
        <FilePicker class="primary big" testId="file" onFiles={props.onFiles}>
          <Icon name="plus" />
          Choose a photo
        </FilePicker>
        <p class="hint pointer-fine">or drop it anywhere on the page, or paste it (Ctrl+V, ⌘V on a Mac)</p>
        <p class="hint">JPEG, PNG, WebP, GIF, BMP or AVIF</p>
      </div>
      <SamplePhotos onFiles={props.onFiles} />
    </section>
  );
}
