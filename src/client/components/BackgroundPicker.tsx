import { Show } from 'solid-js';
import { useEditor } from '../services.ts';

const WHITE = '#ffffff';
/** A portrait look: a blur of 2 % of the output's longer side. */
const BLUR_RADIUS = 0.02;

/** Transparent, white, any colour, the photo's own background blurred, or an image of the person's. */
export function BackgroundPicker() {
  const editor = useEditor();
  const kind = () => editor.state.background.kind;
  const chosenColour = () => (editor.state.background.kind === 'color' ? editor.state.background.color : undefined);
  let lastColour = '#2f6fed';
  let lastImage: File | undefined;
  let imageInput: HTMLInputElement | undefined;
  const pickColour = (colour: string): void => {
    lastColour = colour;
    editor.setBackground({ kind: 'color', color: colour });
  };
  return (
    <fieldset class="choice-group background">
      <legend>Background</legend>
      <div class="chips">
        <label class="chip">
          <input
            type="radio"
            name="background"
            checked={kind() === 'transparent'}
            onChange={() => editor.setBackground({ kind: 'transparent' })}
          />
          <span>
            <span class="swatch checker" aria-hidden="true" />
            Transparent
          </span>
        </label>
        <label class="chip">
          <input type="radio" name="background" checked={chosenColour() === WHITE} onChange={() => pickColour(WHITE)} />
          <span>
            <span class="swatch white" aria-hidden="true" />
            White
          </span>
        </label>
        <label class="chip">
          <input
            type="radio"
            name="background"
            checked={chosenColour() !== undefined && chosenColour() !== WHITE}
            onChange={() => pickColour(lastColour)}
          />
          <span>Colour</span>
        </label>
        <input
          type="color"
          class="colour-input"
          value={chosenColour() !== undefined && chosenColour() !== WHITE ? chosenColour() : lastColour}
          aria-label="Background colour"
          onInput={(event) => pickColour(event.currentTarget.value)}
        />
        <label class="chip">
          <input
            type="radio"
            name="background"
            data-testid="background-blur"
            checked={kind() === 'blur'}
            onChange={() => editor.setBackground({ kind: 'blur', radius: BLUR_RADIUS })}
          />
          <span>Blurred photo</span>
        </label>
        <label class="chip">
          <input
            type="radio"
            name="background"
            data-testid="background-image"
            checked={kind() === 'image'}
            onChange={() => (lastImage ? editor.setBackground({ kind: 'image', image: lastImage }) : imageInput?.click())}
          />
          <span>Your image</span>
        </label>
        <input
          ref={imageInput}
          type="file"
          accept="image/*"
          hidden
          data-testid="background-image-input"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (!file) return;
            lastImage = file;
            editor.setBackground({ kind: 'image', image: file });
          }}
        />
      </div>
      <Show when={kind() === 'image'}>
        <button type="button" class="link" onClick={() => imageInput?.click()}>
          Choose another background image
        </button>
      </Show>
    </fieldset>
  );
}
