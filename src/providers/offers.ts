/**
 * What the app asks providers for: a full-resolution cutout from each (its operation and size, for
 * pricing before there is an image, from each meta.ts; the request itself from `adapter.hdRequest`),
 * and PhotoRoom's AI edit. Pure; runs anywhere. (Prices and their words live in credits/logic/prices.ts.)
 */
import { PROVIDER_IDS, providerMeta } from './catalog.ts';
import type { ProviderId } from './catalog.ts';

export { aiEditRequest, DEFAULT_AI_EDIT } from './photoroom/edit-offer.ts';
export type { AiEditChoices } from './photoroom/edit-offer.ts';

/** The operation (and size) a full-resolution cutout uses at each provider. */
export const HD_OPERATION: Readonly<Record<ProviderId, { op: string; size?: string }>> = Object.fromEntries(
  PROVIDER_IDS.map((id) => [id, providerMeta(id).intents.cutout]),
) as Record<ProviderId, { op: string; size?: string }>;
