import { createContext, useContext } from 'solid-js';
import type { Editor } from './editor.ts';
import type { Accounts } from './accounts.ts';
import type { PaidExports } from './paid-exports.ts';

export const EditorContext = createContext<Editor>();

export function useEditor(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('useEditor() outside <EditorContext.Provider>');
  return editor;
}

export interface Providers {
  accounts: Accounts;
  paid: PaidExports;
}

export const ProvidersContext = createContext<Providers>();

export function useProviders(): Providers {
  const providers = useContext(ProvidersContext);
  if (!providers) throw new Error('useProviders() outside <ProvidersContext.Provider>');
  return providers;
}
