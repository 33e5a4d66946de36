/**
 * Leonardo.Ai's `remove-bg` model, remove.bg's announced successor, as the app knows it: the Sync
 * API (`POST /api/rest/v2/generationssync`, JSON only, Bearer key) and `GET /api/rest/v1/me`.
 * Facts and their certainty: research/leonardo-api.md (no live call was made there either). Pure data.
 */
import type { ProviderMeta } from '../types.ts';

export const LEONARDO_BASE = 'https://cloud.leonardo.ai';

/** Leonardo.Ai's published price of one background removal (its migration guide, 2026-09). */
export const LEONARDO_USD_PER_IMAGE = 0.1047;

export const leonardoMeta = {
  id: 'leonardo',
  displayName: 'Leonardo.Ai',
  authHeader: 'Authorization',
  keySource: 'app.leonardo.ai → API Access → Create New Key',
  topUpUrl: 'https://app.leonardo.ai/api-access',
  // Its error docs: "check your API key follows a valid UUID format".
  keyPattern: {
    regex: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    description: 'Leonardo.Ai API keys look like 1b2c3d4e-… (five groups of letters and digits separated by dashes).',
  },
  endpoints: [{ field: 'base', label: 'API', defaultUrl: LEONARDO_BASE }],
  // Durable result URLs; ephemeral ones are presigned storage URLs the app avoids by asking for base64.
  resultOrigins: ['https://cdn.leonardo.ai'],
  operations: [
    {
      op: 'remove-bg',
      label: 'Remove bg',
      noun: 'a cutout',
      unit: 'token',
      cost: { usd: LEONARDO_USD_PER_IMAGE, chargedOn: 'success' },
    },
  ],
  plans: [],
  rateLimit: {
    // 100 generation creates per minute (2000 requests of any kind); whether sync calls count as creates is unverified.
    limit: 100,
    windowSeconds: 60,
    unit: 'requests',
    note: 'Documented: 100 generation requests and 2000 requests of any kind per minute; the sync endpoint is not listed.',
    // No Retry-After is documented; its guide says to back off.
    fallbackRetrySeconds: 10,
  },
  inputLimits: {
    // Inline base64 images must be "under ~7.5MB"; larger ones need its upload flow, which this app does not use.
    maxBytes: 7_500_000,
    acceptedTypes: ['image/png', 'image/jpeg', 'image/webp'],
  },
  balance: {
    unit: 'token',
    note: 'Leonardo.Ai reports the balance in its own API credits and prices each cutout in US dollars, so what a cutout took is read from the next balance check.',
  },
  intents: {
    cutout: { op: 'remove-bg', size: 'full' },
    'cutout-preview': { op: 'remove-bg', size: 'preview' },
    matte: { op: 'remove-bg', size: 'full', channels: 'alpha' },
  },
  browserAccess: 'unknown',
} as const satisfies ProviderMeta;
