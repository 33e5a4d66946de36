/**
 * PhotoRoom as the app knows it: Remove Background (`sdk.photoroom.com/v1/segment`) and Image Editing
 * (`image-api.photoroom.com/v2/edit`), balance from `/v2/account`. Prices: seed 000/001 (Basic: an
 * edit costs 5 images; Plus: a background removal costs 0.2), list prices from a 2026-06 summary of
 * photoroom.com/api/pricing. Pure data.
 */
import type { ProviderMeta } from '../types.ts';

export const PHOTOROOM_SEGMENT_BASE = 'https://sdk.photoroom.com';
export const PHOTOROOM_IMAGE_API_BASE = 'https://image-api.photoroom.com';

export const photoroomMeta = {
  id: 'photoroom',
  displayName: 'PhotoRoom',
  authHeader: 'x-api-key',
  keySource: 'the API dashboard at app.photoroom.com/api-dashboard',
  topUpUrl: 'https://www.photoroom.com/api/pricing',
  endpoints: [
    { field: 'segmentBase', label: 'Remove Background API', defaultUrl: PHOTOROOM_SEGMENT_BASE },
    { field: 'imageApiBase', label: 'Image Editing and account API', defaultUrl: PHOTOROOM_IMAGE_API_BASE },
  ],
  operations: [
    {
      op: 'segment',
      label: 'Remove Background',
      noun: 'a background removal',
      unit: 'image',
      cost: { byPlan: { basic: 1, plus: 0.2 }, chargedOn: 'success' },
    },
    {
      op: 'edit',
      label: 'Image Editing',
      noun: 'an AI edit',
      unit: 'image',
      cost: { byPlan: { basic: 5, plus: 1 }, chargedOn: 'success' },
    },
  ],
  plans: [
    { id: 'basic', label: 'Basic', usdPerUnit: 0.02 },
    { id: 'plus', label: 'Plus', usdPerUnit: 0.1 },
  ],
  rateLimit: {
    limit: 500,
    windowSeconds: 60,
    unit: 'requests',
    note: 'The FAQ says 500 images per minute; a PhotoRoom moderator later said 60 per minute.',
    fallbackRetrySeconds: 2,
  },
  inputLimits: {
    // Documented for /v2/edit; /v1/segment documents no byte limit, so the same is assumed.
    maxBytes: 30_000_000,
    maxMegapixels: 25,
    acceptedTypes: ['image/png', 'image/jpeg', 'image/webp', 'image/heic'],
  },
  balance: { unit: 'image', subscription: 'allowance' },
  intents: {
    cutout: { op: 'segment', size: 'full' },
    'cutout-preview': { op: 'segment', size: 'preview' },
    matte: { op: 'segment', size: 'full', channels: 'alpha' },
    'ai-edit': { op: 'edit' },
  },
  sandbox: { keyPrefix: 'sandbox_' },
  // PhotoRoom's own browser samples call the segment host from page scripts.
  browserAccess: 'allowed',
} as const satisfies ProviderMeta;
