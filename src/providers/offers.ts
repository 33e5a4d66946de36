/**
 * What the app asks providers for: the provider's own full-resolution cutout from each (its operation and size, for
 * pricing before there is an image, from each meta.ts; the request itself from `adapter.hdRequest`),
 * and PhotoRoom's AI edit. Pure; runs anywhere. (Prices and their words live in credits/logic/prices.ts.)
 */
import { PROVIDER_IDS, PROVIDER_NAMES, providerMeta } from './catalog.ts';
import type { ProviderId } from './catalog.ts';

export { aiEditRequest, DEFAULT_AI_EDIT } from './photoroom/edit-offer.ts';
export type { AiEditChoices } from './photoroom/edit-offer.ts';

/** The operation (and size) a full-resolution cutout uses at each provider. */
export const HD_OPERATION: Readonly<Record<ProviderId, { op: string; size?: string }>> = Object.fromEntries(
  PROVIDER_IDS.map((id) => [id, providerMeta(id).intents.cutout]),
) as Record<ProviderId, { op: string; size?: string }>;

/**
 * The one name of the paid offer, wherever it appears (button, preflight title, result, route advice):
 * "PhotoRoom's cutout". Not "HD": the on-device result is already the photo's full size; what money buys
 * is another maker's edges.
 */
export function providerCutoutName(id: ProviderId): string {
  return `${PROVIDER_NAMES[id]}'s cutout`;
}
