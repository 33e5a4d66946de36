/**
 * What the page and the service worker say to each other: message shapes and the few shared names.
 * No code beyond constants, so both sides import it without pulling the other side in.
 */
import type { OfflineModel } from './model-cache.ts';

export { MODEL_CHANNEL, SHARE_CACHE } from './names.ts';

/** Page → service worker (workbox-window messageSW). */
export type SwRequest = { type: 'SKIP_WAITING' } | { type: 'CACHE_MODEL'; model: OfflineModel };

/** Service worker → page, the answer to CACHE_MODEL. */
export type SwReply = { ok: true; fetched: number } | { ok: false; error: string };

/** What the service worker reports on MODEL_CHANNEL about a model download. */
export type ModelChannelMessage =
  | { type: 'progress'; model: OfflineModel; loaded: number; total: number }
  | { type: 'done'; model: OfflineModel }
  | { type: 'failed'; model: OfflineModel; message: string };

/** The manifest's share_target action (relative to the app's base URL). */
export const SHARE_TARGET_PATH = 'share-target';
/** Key (relative to the base URL) under which the service worker leaves a shared file in SHARE_CACHE. */
export const SHARED_FILE_PATH = 'shared-file';
/**
 * Query parameter on the redirect after a share: "1" = a file is waiting, "empty" = none came,
 * "too-large" / "refused" = one came and was not kept (over 50 MB / not an image the editor opens).
 */
export const SHARED_QUERY = 'shared';
