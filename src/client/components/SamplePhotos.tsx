import { For } from 'solid-js';
import { useEditor } from '../services.ts';

/** Sample scenes drawn by the project (public/samples, AGPL like the code), to try without a photo of one's own. */
const SAMPLES = [
  { name: 'apple', label: 'A red apple on a table' },
  { name: 'mug', label: 'A yellow mug' },
  { name: 'plant', label: 'A potted plant' },
] as const;

/**
 * Turns a drawn sample into the JPEG a camera would give, on this page (an SVG cannot be decoded
 * in the engine's worker), so it goes through exactly the path a person's own photo does.
 */
async function rasterise(name: string): Promise<File> {
  const image = new Image();
  image.src = `${import.meta.env.BASE_URL}samples/${name}.svg`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  context.drawImage(image, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  if (!blob) throw new Error('the sample could not be encoded');
  return new File([blob], `sample-${name}.jpg`, { type: 'image/jpeg' });
}

export function SamplePhotos(props: { onFiles: (files: File[]) => void }) {
  const editor = useEditor();
  return (
    <div class="samples">
      <h3 class="samples-title" id="samples-title">
        No photo at hand? Try one of these
      </h3>
      <ul class="sample-list" aria-labelledby="samples-title">
        <For each={SAMPLES}>
          {(sample) => (
            <li>
              <button
                type="button"
                class="sample"
                data-testid={`sample-${sample.name}`}
                onClick={() => {
                  rasterise(sample.name).then(
                    (file) => props.onFiles([file]),
                    () =>
                      editor.showMessage({ tone: 'error', text: 'That sample could not be opened. Choose a photo of your own instead.' }),
                  );
                }}
              >
                <img src={`${import.meta.env.BASE_URL}samples/${sample.name}.svg`} alt="" width="120" height="90" loading="lazy" />
                <span>{sample.label}</span>
              </button>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
