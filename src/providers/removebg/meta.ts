/**
 * remove.bg as the app knows it: `POST /v1.0/removebg`, `GET /v1.0/account`, credits priced by output
 * size (seed 004: preview ¼ credit, full 1). remove.bg closes its self-serve API on 1 December 2026 at
 * 09:00 CET and sends its users to Leonardo.Ai (its API page, captured 2026-10-03; research/leonardo-api.md §8).
 * Pure data.
 */
import type { ProviderMeta } from '../types.ts';

export const REMOVEBG_BASE = 'https://api.remove.bg';

export const removebgMeta = {
  id: 'removebg',
  displayName: 'remove.bg',
  authHeader: 'X-Api-Key',
  keySource: 'remove.bg → Dashboard → API Keys',
  topUpUrl: 'https://www.remove.bg/pricing',
  endpoints: [{ field: 'base', label: 'API', defaultUrl: REMOVEBG_BASE }],
  operations: [
    {
      op: 'removebg',
      label: 'Remove background',
      noun: 'a cutout',
      sizeNouns: {
        preview: 'a preview cutout (up to 0.25 MP)',
        full: 'a full-resolution cutout',
        '50MP': 'a 50 MP cutout',
        medium: 'a medium cutout (1.5 MP)',
        hd: 'an HD cutout (4 MP)',
        auto: 'a cutout at the best size',
      },
      unit: 'credit',
      cost: {
        bySize: {
          preview: 0.25,
          full: 1,
          '50MP': 1,
          medium: 1,
          hd: 1,
          // The API picks the size from the image and the balance; 1 is the most it can cost.
          auto: 1,
        },
        chargedOn: 'success',
      },
    },
  ],
  // Subscription and pay-as-you-go credits cost the same per call.
  plans: [],
  // Retry-After is sent on 429 but, with no Access-Control-Expose-Headers, the page cannot read it.
  rateLimit: { limit: 500, windowSeconds: 60, unit: 'megapixel-images', fallbackRetrySeconds: 5 },
  inputLimits: { maxBytes: 22_000_000, maxMegapixels: 50, acceptedTypes: ['image/jpeg', 'image/png', 'image/webp'] },
  // Its /account docs: "Balance changes may be delayed by several seconds".
  balance: { unit: 'credit', subscription: 'part-of-total', parts: ['payg', 'enterprise'], freeCalls: true, settleDelaySeconds: 10 },
  intents: {
    cutout: { op: 'removebg', size: 'full' },
    'cutout-preview': { op: 'removebg', size: 'preview' },
    matte: { op: 'removebg', size: 'full', channels: 'alpha' },
  },
  browserAccess: 'allowed',
  retirement: {
    at: '2026-12-01T08:00:00Z',
    successor: 'leonardo',
    announcement: 'remove.bg announced that its API moves to Leonardo.Ai on 1 December 2026 at 09:00 CET (08:00 UTC).',
  },
} as const satisfies ProviderMeta;
