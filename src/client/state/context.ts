import { createContext, useContext } from 'solid-js';
import type { Editor } from './editor.ts';

export const EditorContext = createContext<Editor>();

export function useEditor(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('useEditor() outside <EditorContext.Provider>');
  return editor;
}
