/** Types for the fake provider servers (plain ESM so `node` runs them without a build step). */

export type FakeKind = 'photoroom' | 'removebg' | 'withoutbg';

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
  /** Sends Access-Control-Allow-Origin (and answers preflights with the allowed headers). */
  allowOrigin?: boolean;
  /**
   * Lists the provider's headers in Access-Control-Expose-Headers. When false the fake also withholds
   * them, because Node's fetch ignores CORS: the adapter then sees what a page in a browser would see.
   */
  exposeHeaders?: boolean;
  /** Sliding window per key on the fake's clock (remove.bg counts megapixels, others requests). */
  rateLimit?: { limit: number; windowMs: number };
}

export interface PhotoRoomFakeOptions extends CommonFakeOptions {
  sendRetryAfter?: boolean;
  zeroBalanceAnswer?: '402' | 'unauthorized';
  accountV2?: boolean;
}

export interface RemoveBgFakeOptions extends CommonFakeOptions {
  maxUploadBytes?: number;
  maxInputMegapixels?: number;
}

export interface WithoutBgFakeOptions extends CommonFakeOptions {
  maxUploadBytes?: number;
}

interface FakeBase<Options> {
  url: string;
  requests: LoggedRequest[];
  close(): Promise<void>;
  setBalance(key: string, amount: number): void;
  balance(key: string): number | undefined;
  /** The fake's clock in ms; advanceTime moves it forward for the rate-limit window and expiry. */
  now(): number;
  advanceTime(ms: number): void;
  /** The next `times` calls that would succeed answer `status` (5xx) instead. */
  failNext(status?: number, times?: number): void;
  /** The next `times` successes send headers and half the body, then destroy the socket (charged). */
  cutNextAfterHeaders(times?: number): void;
  configure(partial: Options): void;
  clearRequests(): void;
}

export interface PhotoRoomFake extends FakeBase<PhotoRoomFakeOptions> {
  setPlan(key: string, plan: 'basic' | 'plus'): void;
}

export interface RemoveBgFake extends FakeBase<RemoveBgFakeOptions> {
  setCredits(key: string, parts: { subscription?: number; payg?: number; enterprise?: number; freeCalls?: number }): void;
}

export interface WithoutBgFake extends FakeBase<WithoutBgFakeOptions> {
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  setExpiration(key: string, expiration: string): void;
}

export function startFakeProvider(kind: 'photoroom', options?: PhotoRoomFakeOptions): Promise<PhotoRoomFake>;
export function startFakeProvider(kind: 'removebg', options?: RemoveBgFakeOptions): Promise<RemoveBgFake>;
export function startFakeProvider(kind: 'withoutbg', options?: WithoutBgFakeOptions): Promise<WithoutBgFake>;
