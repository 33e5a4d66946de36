/**
 * Every name the app gives to browser storage and channels, and the few fixed paths and headers, in one
 * place: the page, the workers, the service worker, the build plugins and the tests all read them here.
 * Pure constants.
 */

/** IndexedDB: API keys at rest (src/keys). */
export const KEYS_DB = 'cutwise-keys';
/** IndexedDB: provider base URLs (src/settings); also read by the service worker for the CSP. */
export const SETTINGS_DB = 'cutwise-settings';
export const ENDPOINTS_STORE = 'provider-endpoints';
/** IndexedDB: credit accounts and the ledger (src/credits/persistence). */
export const CREDITS_DB = 'cutwise-credits';
/** IndexedDB: recent cutouts (photo, cutout, finishing choices) kept on this device (src/recents). */
export const RECENTS_DB = 'cutwise-recents';
/** BroadcastChannel: "credits changed" between tabs. */
export const CREDITS_CHANNEL = 'cutwise-credits';

/** Cache Storage: model and runtime chunks (content-addressed, immutable). */
export const MODEL_CACHE = 'cutwise-model-v1';
/** Cache Storage: a file shared to the installed app, waiting for the page. */
export const SHARE_CACHE = 'cutwise-share';
/** BroadcastChannel: the service worker's model download progress. */
export const MODEL_CHANNEL = 'cutwise-model-download';

/** localStorage: the chosen on-device model. */
export const MODEL_SETTING = 'cutwise.model';

/** Folder under the app's base URL holding resources.json and the model and runtime chunks. */
export const MODEL_ASSET_DIR = 'imgly';

/** Cross-origin isolation (SharedArrayBuffer, hence ONNX Runtime's WASM threads). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
