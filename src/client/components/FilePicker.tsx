import type { JSX } from 'solid-js';

/** A real button that opens the system's file chooser (or camera roll on a phone). */
export function FilePicker(props: { onFiles: (files: File[]) => void; class?: string; testId?: string; children: JSX.Element }) {
  let input: HTMLInputElement | undefined;
  return (
    <>
      <button type="button" class={props.class} data-testid={props.testId} onClick={() => input?.click()}>
        {props.children}
      </button>
      <input
        ref={input}
        type="file"
        accept="image/*"
        hidden
        data-testid={props.testId ? `${props.testId}-input` : undefined}
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = '';
          props.onFiles(files);
        }}
      />
    </>
  );
}
