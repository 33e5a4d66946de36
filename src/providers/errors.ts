/**
 * The one error every provider adapter throws, and the words a person sees. Pure; runs anywhere.
 * Provider wording is kept as plain text: the UI renders it as text, never as HTML.
 */
import { PROVIDER_NAMES, isProviderId, providerMeta } from './catalog.ts';
import type { ProviderId } from './catalog.ts';

export { PROVIDER_NAMES };

export type ProviderErrorKind =
  | 'key-rejected'
  | 'out-of-credits'
  | 'credits-expired'
  | 'rate-limited'
  | 'bad-input'
  | 'unavailable'
  | 'blocked-by-browser'
  | 'offline'
  | 'ambiguous'
  | 'retired';

/** How a call ended without the page seeing whether it was billed. */
export type Ambiguity = 'cut' | 'no-answer' | 'went-offline' | 'timeout' | 'no-image';

/** How a retired provider showed it: its date passed, its host said the API is gone, or it refused a key that had worked. */
export type RetiredBy = 'date' | 'gone' | 'refused';

export interface ProviderErrorDetails {
  kind: ProviderErrorKind;
  provider: ProviderId;
  /** HTTP status, absent when no response arrived. */
  status?: number;
  /** The provider's own explanation, plain text. */
  providerMessage?: string;
  /** The provider's machine code (`type`, `errors[].code`), when it sent one. */
  providerCode?: string;
  /** Seconds to wait before the next call; only for 'rate-limited'. */
  retryAfterSeconds?: number;
  /** Only for 'retired'. */
  retiredBy?: RetiredBy;
  /** Only for 'ambiguous': what the page saw (default: the answer broke off after it started). */
  ambiguity?: Ambiguity;
  /** A sentence specific to this provider and situation, appended to the message. */
  hint?: string;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  readonly provider: ProviderId;
  readonly status: number | undefined;
  readonly providerMessage: string | undefined;
  readonly providerCode: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly retiredBy: RetiredBy | undefined;
  /** The situation-specific sentence, kept so other wordings (a balance check's) can reuse it. */
  readonly hint: string | undefined;

  constructor(input: ProviderErrorDetails) {
    // A provider that echoes the key in its error text must not get it shown, logged or stored.
    const details = input.providerMessage === undefined ? input : { ...input, providerMessage: redactKeys(input.providerMessage) };
    super(describeProviderError(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.provider = details.provider;
    this.status = details.status;
    this.providerMessage = details.providerMessage;
    this.providerCode = details.providerCode;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.retiredBy = details.retiredBy;
    this.hint = details.hint;
  }
}

const HIDDEN = '[key hidden]';

/**
 * Removes the given secrets, and anything shaped like an API key, from a provider's text: prefixed keys
 * (`sk_…`, `sandbox_…`), UUIDs (Leonardo.Ai keys), and long runs of letters and digits.
 */
export function redactKeys(text: string, secrets: readonly string[] = []): string {
  let clean = text;
  for (const secret of secrets) if (secret.length >= 6) clean = clean.split(secret).join(HIDDEN);
  return clean
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, HIDDEN)
    .replace(/\b(?:sk|pk|rk|api|key|live|test|sandbox)_[A-Za-z0-9_-]{6,}/gi, HIDDEN)
    .replace(/\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}\b/g, HIDDEN);
}

/** Where the setting lives that points a provider at a relay or gateway. */
export const ADDRESS_SETTING = 'Keys → Advanced: API addresses';

export function describeProviderError(details: ProviderErrorDetails): string {
  const meta = providerMeta(details.provider);
  const name = meta.displayName;
  const said = details.providerMessage ? ` ${name} said: “${details.providerMessage}”.` : '';
  const http = details.status === undefined ? '' : ` (HTTP ${details.status})`;
  const hint = details.hint ? ` ${details.hint}` : '';
  switch (details.kind) {
    case 'key-rejected':
      return `Key rejected: ${name} did not accept the API key${http}.${said} Copy the key again from ${meta.keySource} and paste it in Keys.${hint}`;
    case 'out-of-credits':
      return `Out of credits: your ${name} balance is too low for this cutout${http}.${said} Nothing was charged. Top up your ${name} account, or use the free on-device cutout.${hint}`;
    case 'credits-expired':
      return `Credits expired: your ${name} credits have expired${http}.${said} Nothing was charged. Topping up reactivates them; the free on-device cutout still works.${hint}`;
    case 'rate-limited': {
      const wait = details.retryAfterSeconds === undefined ? 'a minute' : humanDuration(details.retryAfterSeconds);
      return `${name} is receiving too many requests from this key${http}. Nothing was charged. ${name} asked to wait ${wait} before the next call.${hint}`;
    }
    case 'bad-input':
      return `${name} refused this image${http}.${said || ' It gave no reason.'} Nothing was charged. Try a JPEG or PNG photo within the size limits.${hint}`;
    case 'unavailable':
      return `${name} is not working right now${http}.${said} Nothing should have been charged. Try again in a few minutes, or use the free on-device cutout.${hint}`;
    case 'blocked-by-browser':
      return `${noAnswerText(details.provider)}${hint}`;
    case 'offline':
      return `This device is offline, so nothing was sent to ${name}. Connect and try again, or use the free on-device cutout.${hint}`;
    case 'ambiguous':
      return `${ambiguityText(details.provider, details.ambiguity ?? 'cut')}${hint} ${name} may have charged for this; Cutwise will check your balance and settle it, so look there before you try again.${details.ambiguity === 'no-answer' ? ` ${corsAdvice(details.provider)}` : ''}`;
    case 'retired':
      return `${retiredText(details.provider, details.retiredBy ?? 'date', details.status)}${hint}`;
  }
}

/**
 * Why a balance check failed, in its own words (a balance check charges nothing and is retried by
 * itself, so paid-call sentences would mislead). `timeoutMs` is what the caller allowed it.
 */
export function describeBalanceCheckFailure(
  error: unknown,
  provider: ProviderId,
  timeoutMs: number,
): { kind: ProviderErrorKind; message: string } {
  const meta = providerMeta(provider);
  const name = meta.displayName;
  const intro = `Could not check the ${name} balance:`;
  const later = 'The last known balance is shown; Cutwise checks again by itself.';
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { kind: 'unavailable', message: `${intro} ${name} did not answer within ${Math.round(timeoutMs / 1000)} seconds. ${later}` };
  }
  if (!(error instanceof ProviderError)) return { kind: 'unavailable', message: `${intro} its answer could not be read. ${later}` };
  const http = error.status === undefined ? '' : ` (HTTP ${error.status})`;
  const said = error.providerMessage ? ` ${name} said: “${error.providerMessage}”.` : '';
  switch (error.kind) {
    case 'key-rejected':
      return {
        kind: error.kind,
        message: `${intro} ${name} did not accept the key${http}.${said} Copy it again from ${meta.keySource} and add it in Keys.`,
      };
    case 'retired':
      return { kind: error.kind, message: error.message };
    case 'rate-limited':
      return {
        kind: error.kind,
        message: `${intro} ${name} asked to wait ${humanDuration(error.retryAfterSeconds ?? 60)}${http}. The next check runs by itself.`,
      };
    case 'offline':
      return { kind: error.kind, message: `${intro} this device is offline. ${later}` };
    case 'blocked-by-browser':
      return { kind: error.kind, message: `${intro} ${noAnswerText(provider).replace(/ Nothing was charged\./, '')}` };
    case 'unavailable':
      if (error.status === undefined) {
        return { kind: error.kind, message: `${intro} ${error.hint ?? 'its answer could not be read.'} ${later}` };
      }
      return { kind: error.kind, message: `${intro} ${name} answered with an error${http}.${said} ${later}` };
    case 'out-of-credits':
    case 'credits-expired':
    case 'bad-input':
    case 'ambiguous':
      return { kind: error.kind, message: `${intro} ${name} answered with an error${http}.${said} ${later}` };
  }
}

function ambiguityText(provider: ProviderId, ambiguity: Ambiguity): string {
  const name = providerMeta(provider).displayName;
  switch (ambiguity) {
    case 'cut':
      return `The connection to ${name} broke while the result was coming back.`;
    case 'no-answer': {
      const retiring = providerMeta(provider).retirement;
      return `No answer from ${name} reached this page: the connection failed after the photo was sent, or ${name}'s host does not answer web pages (a browser rule called CORS).${retiring ? ` ${retiring.announcement}` : ''}`;
    }
    case 'went-offline':
      return `This device went offline while ${name} was working on the photo.`;
    case 'timeout':
      return `${name} did not answer in time.`;
    case 'no-image':
      return `${name} answered, but without a usable image.`;
  }
}

/** What to do when a provider's host keeps refusing the page. */
function corsAdvice(provider: ProviderId): string {
  const name = providerMeta(provider).displayName;
  return `If this keeps happening, set a relay's address for ${name} under ${ADDRESS_SETTING} (npm run relay, see the README).`;
}

/**
 * No answer reached the page: the connection failed, or the provider's host refused the browser
 * (no Access-Control-Allow-Origin), which a page cannot tell apart. The provider is named and the
 * setting that fixes the second case is pointed to.
 */
function noAnswerText(provider: ProviderId): string {
  const meta = providerMeta(provider);
  const name = meta.displayName;
  const relay = `set a relay's address for ${name} under ${ADDRESS_SETTING} (Cutwise ships one: npm run relay, see the README).`;
  const cors =
    meta.browserAccess === 'refuses'
      ? `${name}'s documentation says to call it from a server, not from a web page, so its host most likely refused this page (browsers enforce this with a rule called CORS). To use ${name} from Cutwise, ${relay}`
      : `If it keeps happening while other sites load, ${name}'s host does not answer web pages (a browser rule called CORS): ${relay}`;
  const retiring = meta.retirement ? ` ${meta.retirement.announcement}` : '';
  return `The request to ${name} got no answer: the connection failed, or the browser blocked it. Nothing was charged. ${cors}${retiring}`;
}

function retiredText(provider: ProviderId, by: RetiredBy, status: number | undefined): string {
  const meta = providerMeta(provider);
  const name = meta.displayName;
  const retirement = meta.retirement;
  const successorId = retirement?.successor;
  const successor = successorId !== undefined && isProviderId(successorId) ? providerMeta(successorId) : undefined;
  const http = status === undefined ? '' : ` (HTTP ${status})`;
  const what =
    by === 'gone'
      ? `${name} answered that its API is gone${http}.`
      : by === 'refused'
        ? `${name} refused a key that worked before${http}: it has closed its API for self-serve keys.`
        : `${name} has closed its API for self-serve keys.`;
  const next = successor
    ? ` To keep getting a provider's cutout, create a ${successor.displayName} API key (${successor.keySource}) and add it under Keys.`
    : '';
  return `${what}${retirement ? ` ${retirement.announcement}` : ''} Nothing was charged.${next} Your ${name} history stays under Usage and balances, and the free on-device cutout works as before.`;
}

/** "1 second", "45 seconds", "about 3 minutes", "about 24 hours", "about 3 days": a wait in the units a person uses. */
export function humanDuration(totalSeconds: number): string {
  const seconds = Math.max(1, Math.ceil(totalSeconds));
  if (seconds < 90) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `about ${hours} hours`;
  return `about ${Math.round(hours / 24)} days`;
}

export interface ParsedErrorBody {
  message?: string;
  code?: string;
  /** The status an error envelope states inside a 2xx answer (GraphQL `extensions.statusCode`). */
  status?: number;
}

const MAX_PROVIDER_TEXT = 300;

/**
 * Reads every error body shape the providers send:
 * `{detail,status_code,type}` (PhotoRoom segment), `{error:{message|detail}}` (PhotoRoom edit/account),
 * `{errors:[{title,code,detail}]}` (remove.bg), `{detail}` with FastAPI 422 arrays (withoutBG),
 * `{error:"…"}` (withoutBG's older docs) and `{error,path,code}` (Leonardo.Ai's REST errors),
 * GraphQL `{errors:[{message,extensions:{code,statusCode}}]}` and a bare array of those (Leonardo.Ai's
 * v2 endpoints), and bare text such as "Forbidden".
 */
export function parseErrorBody(text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    // An HTML error page says nothing a person can act on.
    if (trimmed.startsWith('<')) return {};
    return { message: clip(trimmed) };
  }
  if (Array.isArray(json)) return parseErrorList(json);
  if (!isRecord(json)) return typeof json === 'string' ? { message: clip(json) } : {};

  const errors = json['errors'];
  if (Array.isArray(errors)) return parseErrorList(errors);

  const error = json['error'];
  if (isRecord(error)) {
    return withCode(
      clipOptional(stringField(error, 'message') ?? stringField(error, 'detail')),
      stringField(error, 'type') ?? stringField(error, 'code'),
    );
  }
  if (typeof error === 'string') return withCode(clip(error), stringField(json, 'code'));

  const detail = json['detail'];
  if (typeof detail === 'string') return withCode(clip(detail), stringField(json, 'type'));
  if (Array.isArray(detail)) {
    const lines = detail.filter(isRecord).map((entry) => {
      const loc = Array.isArray(entry['loc'])
        ? entry['loc']
            .map(String)
            .filter((part) => part !== 'body')
            .join('.')
        : '';
      const msg = stringField(entry, 'msg') ?? 'invalid';
      return loc ? `${loc}: ${msg}` : msg;
    });
    return withCode(lines.length ? clip(lines.join('; ')) : undefined, stringField(detail.find(isRecord) ?? {}, 'type'));
  }

  return withCode(clipOptional(stringField(json, 'message')), undefined);
}

/** `[{title,code,detail}]` (remove.bg) or `[{message,extensions:{code,statusCode,details:{message}}}]` (GraphQL). */
function parseErrorList(entries: readonly unknown[]): ParsedErrorBody {
  const parts: string[] = [];
  let code: string | undefined;
  let status: number | undefined;
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    const extensions = isRecord(entry['extensions']) ? entry['extensions'] : {};
    const details = isRecord(extensions['details']) ? extensions['details'] : {};
    const title = stringField(entry, 'title') ?? stringField(entry, 'message');
    const detail = stringField(entry, 'detail') ?? stringField(details, 'message');
    code ??= stringField(entry, 'code') ?? stringField(extensions, 'code');
    const statusCode = extensions['statusCode'];
    if (status === undefined && typeof statusCode === 'number' && Number.isInteger(statusCode)) status = statusCode;
    const line = [title, detail === title ? undefined : detail].filter((part) => part !== undefined && part !== '').join(': ');
    if (line) parts.push(line);
  }
  const parsed = withCode(parts.length ? clip(parts.join('; ')) : undefined, code);
  if (status !== undefined) parsed.status = status;
  return parsed;
}

function withCode(message: string | undefined, code: string | undefined): ParsedErrorBody {
  const parsed: ParsedErrorBody = {};
  if (message !== undefined) parsed.message = message;
  if (code !== undefined) parsed.code = code;
  return parsed;
}

function clip(text: string): string {
  const singleLine = text.replace(/\s+/g, ' ').trim();
  return singleLine.length > MAX_PROVIDER_TEXT ? `${singleLine.slice(0, MAX_PROVIDER_TEXT - 1)}…` : singleLine;
}

function clipOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : clip(text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

/** `Retry-After` as seconds (delta or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
