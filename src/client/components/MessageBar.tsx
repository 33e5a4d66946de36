import { Show } from 'solid-js';
import { useEditor } from '../services.ts';

export function MessageBar() {
  const editor = useEditor();
  return (
    <div class="message-area">
      <Show when={editor.state.message}>
        {(message) => (
          <div
            class={`message ${message().tone}`}
            role={message().tone === 'error' ? 'alert' : 'status'}
            data-testid="message"
            data-tone={message().tone}
          >
            <span>{message().text}</span>
            <button type="button" class="link" aria-label="Dismiss" onClick={() => editor.showMessage(undefined)}>
              ×
            </button>
          </div>
        )}
      </Show>
    </div>
  );
}
