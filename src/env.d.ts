/// <reference types="vite/client" />

declare module 'virtual:model-sizes' {
  /** Download size in bytes of each on-device model, ONNX Runtime included. */
  export const modelDownloadBytes: { small: number; medium: number };
}
