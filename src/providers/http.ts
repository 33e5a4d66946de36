/**
 * The HTTP step shared by all adapters: one call, its failure classified into a ProviderError.
 * Uses only the platform fetch; keys travel in headers and are never put into URLs or messages.
 */
import { providerMeta } from './catalog.ts';
import { ProviderError, parseErrorBody, parseRetryAfter, redactKeys } from './errors.ts';
import type { ParsedErrorBody, ProviderErrorKind } from './errors.ts';
import type { ProviderId, ProviderMeta, TransportOptions } from './types.ts';

export const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * The most of an answer that is read: a 50 MP PNG with alpha is at most about 200 MB. A host that
 * declares or streams more (a hostile relay, a decompression bomb) is cut off, not buffered.
 */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;
/** Error bodies are read only this far: the status decides the kind, the text only explains. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The body, or 'too-large' when its declared or streamed length passes `maxBytes` (the rest is not read). */
export async function readCapped(response: Response, maxBytes: number): Promise<Blob | 'too-large'> {
  const declared = Number(response.headers.get('Content-Length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    void response.body?.cancel().catch(() => undefined);
    return 'too-large';
  }
  if (!response.body) return response.blob();
  const reader = response.body.getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    parts.push(value as Uint8Array<ArrayBuffer>);
  }
  return new Blob(parts, { type: response.headers.get('Content-Type')?.toLowerCase() ?? '' });
}

export interface CallContext {
  provider: ProviderId;
  /** The provider's description: its rate-limit waits and, where it has one, its retirement. */
  meta: ProviderMeta;
  options: TransportOptions;
  /**
   * Reads an error answer the generic status rules get wrong for this provider (withoutBG's 403 is
   * expired credits; Leonardo.Ai answers a malformed key with a 500). Undefined = the generic rule.
   */
  classify?: (status: number, parsed: ParsedErrorBody) => ProviderErrorKind | undefined;
}

const UPLOAD_EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/heic': 'heic',
};

/**
 * The file name an upload carries: neutral, from the image's type alone. The person's own file name
 * ("passport-jane-doe.jpg") is theirs, not the provider's.
 */
export function uploadName(image: Blob): string {
  const extension = UPLOAD_EXTENSIONS[image.type];
  return extension ? `image.${extension}` : 'image';
}

export interface CallResult {
  response: Response;
  body: Blob;
}

/**
 * Refuses keys a header cannot carry (fetch would throw a TypeError that looks like a network
 * failure) and keys of a shape the provider documents it never issues, before anything is sent.
 */
export function assertUsableKey(provider: ProviderId, key: string): string {
  const trimmed = key.trim();
  if (trimmed === '' || !/^[\x21-\x7e]+$/.test(trimmed)) {
    throw new ProviderError({
      kind: 'key-rejected',
      provider,
      hint: trimmed === '' ? 'No key is set.' : 'The key contains spaces or characters no API key has.',
    });
  }
  const pattern = providerMeta(provider).keyPattern;
  if (pattern && !pattern.regex.test(trimmed)) {
    throw new ProviderError({ kind: 'key-rejected', provider, hint: `${pattern.description} Nothing was sent.` });
  }
  return trimmed;
}

export function isOnline(options: TransportOptions): boolean {
  if (options.isOnline) return options.isOnline();
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

export async function call(context: CallContext, url: string, init: RequestInit, signal?: AbortSignal): Promise<CallResult> {
  const { provider, options } = context;
  if (!isOnline(options)) throw new ProviderError({ kind: 'offline', provider });
  signal?.throwIfAborted();

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('Timed out', 'TimeoutError'));
  }, timeoutMs);
  const forwardAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });

  try {
    let response: Response;
    try {
      // no-store: the account GETs differ only by the key in a header, so a cached answer could be another
      // key's balance. no-referrer: the provider has no need to know which page called it.
      response = await fetch(url, {
        ...init,
        signal: controller.signal,
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw noAnswer(context, init, error, timedOut ? timeoutMs : undefined);
    }

    if (!response.ok) throw await errorFromResponse(context, response, secretOf(context, init));

    try {
      const body = await readCapped(response, MAX_ANSWER_BYTES);
      if (body === 'too-large') {
        const hint = `Its answer was larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB, more than any image Cutwise asks for, so it was not read.`;
        const bills = (init.method ?? 'GET').toUpperCase() !== 'GET';
        throw bills
          ? new ProviderError({ kind: 'ambiguous', provider, status: response.status, ambiguity: 'no-image', hint })
          : new ProviderError({ kind: 'unavailable', provider, status: response.status, hint });
      }
      return { response, body };
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (signal?.aborted) throw signal.reason;
      // The provider answered 2xx, so it has done (and billed) the work even though the bytes never arrived.
      throw new ProviderError({ kind: 'ambiguous', provider, status: response.status, cause: error });
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}

/**
 * A call that got no answer. The page cannot tell a request that never left (a refused CORS preflight)
 * from one the provider received, billed and answered without CORS headers, or whose connection broke
 * after the upload, or that was sent again by the browser: so a call that can bill (not a GET) is
 * ambiguous, and the next balance check settles it. Only what is known to happen before sending
 * (offline before the call, an address refused) is "nothing was sent".
 */
function noAnswer(context: CallContext, init: RequestInit, cause: unknown, timeoutMs: number | undefined): ProviderError {
  const { provider, options } = context;
  const online = isOnline(options);
  const bills = (init.method ?? 'GET').toUpperCase() !== 'GET';
  const seconds = timeoutMs === undefined ? undefined : `It did not answer within ${Math.round(timeoutMs / 1000)} seconds.`;
  if (bills) {
    const ambiguity = timeoutMs !== undefined ? 'timeout' : online ? 'no-answer' : 'went-offline';
    return new ProviderError({ kind: 'ambiguous', provider, ambiguity, hint: seconds, cause });
  }
  if (timeoutMs !== undefined) return new ProviderError({ kind: 'unavailable', provider, hint: seconds, cause });
  return new ProviderError({ kind: online ? 'blocked-by-browser' : 'offline', provider, cause });
}

export async function errorFromResponse(context: CallContext, response: Response, secret?: string): Promise<ProviderError> {
  let text = '';
  try {
    const body = await readCapped(response, MAX_ERROR_BODY_BYTES);
    text = body === 'too-large' ? '' : await body.text();
  } catch {
    // A cut error body still tells us the status, which is what decides the kind.
  }
  // The key this call carried never reaches a message, even when the provider echoes it.
  return errorFromAnswer(
    context,
    response.status,
    parseErrorBody(redactKeys(text, secret === undefined ? [] : [secret])),
    response.headers,
  );
}

/** The key a request carries in the provider's auth header (without its scheme), to keep it out of texts. */
function secretOf(context: CallContext, init: RequestInit): string | undefined {
  const value = new Headers(init.headers).get(context.meta.authHeader);
  return value === null ? undefined : value.replace(/^Bearer\s+/i, '');
}

/** The error an answer stands for: by the provider's own reading first, else by its status. */
export function errorFromAnswer(context: CallContext, status: number, parsed: ParsedErrorBody, headers?: Headers): ProviderError {
  const { meta, provider } = context;
  // A retiring provider whose host says the API is gone has retired, whatever the date.
  const gone = meta.retirement !== undefined && (status === 404 || status === 410);
  const kind: ProviderErrorKind = gone ? 'retired' : (context.classify?.(status, parsed) ?? genericKind(status));
  return new ProviderError({
    kind,
    provider,
    status,
    providerMessage: parsed.message,
    providerCode: parsed.code,
    retryAfterSeconds: kind === 'rate-limited' ? retryWait(meta, headers?.get('retry-after') ?? null) : undefined,
    retiredBy: gone ? 'gone' : undefined,
  });
}

/** Seconds to wait after a 429: Retry-After when the page can read it, never less than the provider asks. */
function retryWait(meta: ProviderMeta, retryAfter: string | null): number {
  const { fallbackRetrySeconds, minimumRetrySeconds = 0 } = meta.rateLimit;
  return Math.max(minimumRetrySeconds, parseRetryAfter(retryAfter) ?? fallbackRetrySeconds);
}

function genericKind(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'key-rejected';
  if (status === 402) return 'out-of-credits';
  if (status === 429) return 'rate-limited';
  if (status === 404 || status === 410 || status >= 500) return 'unavailable';
  return 'bad-input';
}

/** The provider headers worth keeping, under lower-case names; unreadable ones are simply absent. */
export function pickHeaders(headers: Headers, names: readonly string[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) meta[name.toLowerCase()] = value;
  }
  return meta;
}

export function parseNumberHeader(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

export function checkInput(provider: ProviderId, image: Blob, limits: { maxBytes: number; acceptedTypes: readonly string[] }): void {
  if (image.size === 0) throw new ProviderError({ kind: 'bad-input', provider, hint: 'The file is empty.' });
  if (image.size > limits.maxBytes) {
    throw new ProviderError({
      kind: 'bad-input',
      provider,
      hint: `The file is ${(image.size / 1e6).toFixed(1)} MB; the limit is ${limits.maxBytes / 1e6} MB. Nothing was sent.`,
    });
  }
  // An unknown type (empty string) is left to the provider: the bytes may still be a fine image.
  if (image.type !== '' && !limits.acceptedTypes.includes(image.type)) {
    throw new ProviderError({
      kind: 'bad-input',
      provider,
      hint: `It does not accept ${image.type}; it takes ${limits.acceptedTypes.join(', ')}. Nothing was sent.`,
    });
  }
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export function formBoolean(value: boolean): string {
  return value ? 'true' : 'false';
}

export async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  // Chunked: String.fromCharCode with one argument per byte overflows the stack on large images.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}

export function base64ToBlob(base64: string, type: string): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return new Blob([bytes], { type });
}

/** A JSON object body; undefined when the body is not a JSON object (a proxy page, say). */
export async function readJson(body: Blob): Promise<Record<string, unknown> | undefined> {
  try {
    const json: unknown = JSON.parse(await body.text());
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function jsonRecord(value: Record<string, unknown> | undefined, name: string): Record<string, unknown> | undefined {
  const field = value?.[name];
  return typeof field === 'object' && field !== null && !Array.isArray(field) ? (field as Record<string, unknown>) : undefined;
}

export function jsonNumber(value: Record<string, unknown> | undefined, name: string): number | undefined {
  const field = value?.[name];
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}
