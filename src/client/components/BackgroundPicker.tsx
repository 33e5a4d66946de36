import { useEditor } from '../services.ts';

export function BackgroundPicker() {
  const editor = useEditor();
  const color = () => (editor.state.background.kind === 'color' ? editor.state.background.color : '#ffffff');
  return (
    <fieldset class="background">
      <legend>Background</legend>
      <label>
        <input
          type="radio"
          name="background"
          checked={editor.state.background.kind === 'transparent'}
          onChange={() => editor.setBackground({ kind: 'transparent' })}
        />
        Transparent
      </label>
      <label>
        <input
          type="radio"
          name="background"
          checked={editor.state.background.kind === 'color' && editor.state.background.color === '#ffffff'}
          onChange={() => editor.setBackground({ kind: 'color', color: '#ffffff' })}
        />
        White
      </label>
      <label>
        <input
          type="color"
          value={color()}
          aria-label="Background colour"
          onInput={(event) => editor.setBackground({ kind: 'color', color: event.currentTarget.value })}
        />
        Colour
      </label>
    </fieldset>
  );
}
