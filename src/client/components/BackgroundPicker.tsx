import { useEditor } from '../services.ts';

const WHITE = '#ffffff';

/** Transparent, white or any colour; the colour is a radio of its own with a swatch beside it. */
export function BackgroundPicker() {
  const editor = useEditor();
  const kind = () => editor.state.background.kind;
  const chosenColour = () => (editor.state.background.kind === 'color' ? editor.state.background.color : undefined);
  let lastColour = '#2f6fed';
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
      </div>
    </fieldset>
  );
}
