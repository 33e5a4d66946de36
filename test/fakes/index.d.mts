/** Types for the fake provider servers (plain ESM so `node` runs them without a build step). */

export type FakeKind = 'photoroom' | 'removebg' | 'withoutbg' | 'leonardo';

export interface LoggedRequest {
  method: string;
  path: string;
  /** Path and query exactly as requested. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Multipart text fields. */
  fields?: Record<string, string>;
  /** Multipart files, without their bytes. */
  files?: Record<string, { filename: string; contentType: string; size: number }>;
  jsonKeys?: string[];
}

export interface CommonFakeOptions {
  /**
   * Sends Access-Control-Allow-Origin (and answers preflights with the allowed headers). Off by
   * default for withoutBG, whose docs say never to call it from a web page.
   */
  allowOrigin?: boolean;
  /**
   * Lists the provider's headers in Access-Control-Expose-Headers. When false the fake also withholds
   * them, because Node's fetch ignores CORS: the adapter then sees what a page in a browser would see.
   * Off by default for remove.bg, whose recorded answers carry no such list.
   */
  exposeHeaders?: boolean;
  /** Sliding window per key on the fake's clock (remove.bg counts megapixels, others requests). */
  rateLimit?: { limit: number; windowMs: number };
}

export interface PhotoRoomFakeOptions extends CommonFakeOptions {
  sendRetryAfter?: boolean;
  zeroBalanceAnswer?: '402' | 'unauthorized';
  accountV2?: boolean;
  sandboxAccount?: 'shared' | 'refused';
}

export interface RemoveBgFakeOptions extends CommonFakeOptions {
  maxUploadBytes?: number;
  maxInputMegapixels?: number;
  /** The service after its closing: 403 for every key, or 404/410 for every call. */
  closed?: 403 | 404 | 410;
}

export interface WithoutBgFakeOptions extends CommonFakeOptions {
  maxUploadBytes?: number;
}

export interface LeonardoFakeOptions extends CommonFakeOptions {
  v2ErrorMode?: 'graphql-200' | 'array-200' | 'status';
  balanceErrorMode?: 'v2' | 'rest-400';
  malformedKeyStatus?: number;
  envelope?: 'generateSync';
  ignoreBase64?: boolean;
  blockNext?: number;
  omitCost?: boolean;
  priceUsd?: number;
  tokensPerUsd?: number;
  priceCredits?: number;
  maxRequestBytes?: number;
  maxInlineResultBytes?: number;
  sendRetryAfter?: boolean;
  resultLifetimeMs?: number;
}

interface FakeBase<Options> {
  url: string;
  requests: LoggedRequest[];
  close(): Promise<void>;
  setBalance(key: string, amount: number): void;
  balance(key: string): number | undefined;
  /** The key is revoked at the provider: from now on it is answered as an unknown key. */
  revokeKey(key: string): void;
  /** The fake's clock in ms; advanceTime moves it forward for the rate-limit window and expiry. */
  now(): number;
  advanceTime(ms: number): void;
  /** The next `times` calls that would succeed answer `status` (5xx) instead. */
  failNext(status?: number, times?: number): void;
  /** The next `times` successes send headers and half the body, then destroy the socket (charged). */
  cutNextAfterHeaders(times?: number): void;
  /** The next success is billed and answered without CORS headers: the page sees no answer. */
  hideNextAnswer(times?: number): void;
  /** The next success is billed, then its connection closed before any answer (Chromium resends on a reused one). */
  dropNextAfterCharge(times?: number): void;
  /** The next success is billed and answered 200 with an HTML page, a damaged PNG, or a PNG whose header claims 20000×20000 pixels. */
  mangleNextAnswer(kind: 'html' | 'corrupt-png' | 'huge-png'): void;
  /** The next request (to `path`, or any) gets this answer instead, billing nothing. */
  answerNext(answer: { path?: string; status: number; headers?: Record<string, string>; body: unknown }): void;
  configure(partial: Options): void;
  clearRequests(): void;
}

export interface PhotoRoomFake extends FakeBase<PhotoRoomFakeOptions> {
  /** Any name the account endpoint should report; only `basic` and `plus` have published prices. */
  setPlan(key: string, plan: string): void;
}

export interface RemoveBgFake extends FakeBase<RemoveBgFakeOptions> {
  setCredits(key: string, parts: { subscription?: number; payg?: number; enterprise?: number; freeCalls?: number }): void;
}

export interface WithoutBgFake extends FakeBase<WithoutBgFakeOptions> {
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  setExpiration(key: string, expiration: string): void;
}

export interface LeonardoFake extends Omit<FakeBase<LeonardoFakeOptions>, 'setBalance'> {
  /** Sync-call bodies as received, the image data replaced by its length. */
  calls: Array<Record<string, unknown>>;
  /** A pay-as-you-go account holding dollars; /me reports them ×tokensPerUsd. */
  setBalanceUsd(key: string, usd: number): void;
  /** A legacy account counting API credits. */
  setCredits(key: string, credits: { paid?: number; subscription?: number }): void;
  /** The balance as /me reports it, in API credits. */
  balance(key: string): number | undefined;
  balanceUsd(key: string): number | undefined;
  hangNext(times?: number): void;
}

export function startFakeProvider(kind: 'photoroom', options?: PhotoRoomFakeOptions): Promise<PhotoRoomFake>;
export function startFakeProvider(kind: 'removebg', options?: RemoveBgFakeOptions): Promise<RemoveBgFake>;
export function startFakeProvider(kind: 'withoutbg', options?: WithoutBgFakeOptions): Promise<WithoutBgFake>;
export function startFakeProvider(kind: 'leonardo', options?: LeonardoFakeOptions): Promise<LeonardoFake>;
