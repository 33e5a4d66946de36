/**
 * withoutBG as the app knows it: cutout and alpha matte (multipart or base64 JSON) and
 * `GET /available-credit`; 1 credit per successful call, credits freeze at a reported instant
 * (seed 003). Its docs say never to call it from client-side code, so a relay is likely needed.
 * Pure data.
 */
import type { ProviderMeta } from '../types.ts';

export const WITHOUTBG_BASE = 'https://api.withoutbg.com';

export const withoutbgMeta = {
  id: 'withoutbg',
  displayName: 'withoutBG',
  authHeader: 'X-API-Key',
  keySource: 'withoutbg.com → Account → API keys',
  topUpUrl: 'https://withoutbg.com/pricing',
  endpoints: [{ field: 'base', label: 'API', defaultUrl: WITHOUTBG_BASE }],
  operations: [
    { op: 'cutout', label: 'Image without background', noun: 'a cutout', unit: 'credit', cost: { flat: 1, chargedOn: 'success' } },
    { op: 'alpha', label: 'Alpha matte', noun: 'an alpha matte', unit: 'credit', cost: { flat: 1, chargedOn: 'success' } },
  ],
  plans: [],
  rateLimit: {
    limit: 7,
    windowSeconds: 60,
    unit: 'requests',
    note: 'The docs say 7 per minute per key (shared by all endpoints); the 2026 SDK says 20.',
    // Its error-handling page: "Wait at least 60 seconds before retrying".
    fallbackRetrySeconds: 60,
    minimumRetrySeconds: 60,
  },
  inputLimits: {
    maxBytes: 10_000_000,
    acceptedTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/bmp', 'image/gif'],
  },
  balance: { unit: 'credit', expires: true },
  intents: {
    cutout: { op: 'cutout' },
    'cutout-preview': { op: 'cutout' },
    matte: { op: 'alpha' },
  },
  browserAccess: 'refuses',
} as const satisfies ProviderMeta;
