/**
 * The one error every provider adapter throws, and the words a person sees. Pure; runs anywhere.
 * Provider wording is kept as plain text: the UI renders it as text, never as HTML.
 */
import type { ProviderId } from './types.ts';

export type ProviderErrorKind =
  | 'key-rejected'
  | 'out-of-credits'
  | 'credits-expired'
  | 'rate-limited'
  | 'bad-input'
  | 'unavailable'
  | 'blocked-by-browser'
  | 'offline'
  | 'ambiguous';

export const PROVIDER_NAMES: Readonly<Record<ProviderId, string>> = {
  photoroom: 'PhotoRoom',
  removebg: 'remove.bg',
  withoutbg: 'withoutBG',
};

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

  constructor(details: ProviderErrorDetails) {
    super(describeProviderError(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.provider = details.provider;
    this.status = details.status;
    this.providerMessage = details.providerMessage;
    this.providerCode = details.providerCode;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export function describeProviderError(details: ProviderErrorDetails): string {
  const name = PROVIDER_NAMES[details.provider];
  const said = details.providerMessage ? ` ${name} said: “${details.providerMessage}”.` : '';
  const http = details.status === undefined ? '' : ` (HTTP ${details.status})`;
  const hint = details.hint ? ` ${details.hint}` : '';
  switch (details.kind) {
    case 'key-rejected':
      return `Key rejected: ${name} did not accept the API key${http}.${said} Copy the key again from your ${name} account and paste it in Settings.${hint}`;
    case 'out-of-credits':
      return `Out of credits: your ${name} balance is too low for this cutout${http}.${said} Nothing was charged. Top up your ${name} account, or use the free on-device cutout.${hint}`;
    case 'credits-expired':
      return `Credits expired: your ${name} credits have expired${http}.${said} Nothing was charged. Topping up reactivates them; the free on-device cutout still works.${hint}`;
    case 'rate-limited': {
      const wait = details.retryAfterSeconds === undefined ? 'a minute' : seconds(details.retryAfterSeconds);
      return `${name} is receiving too many requests from this key${http}. Nothing was charged. Try again in ${wait}.${hint}`;
    }
    case 'bad-input':
      return `${name} refused this image${http}.${said || ' It gave no reason.'} Nothing was charged. Try a JPEG or PNG photo within the size limits.${hint}`;
    case 'unavailable':
      return `${name} is not working right now${http}.${said} Nothing should have been charged. Try again in a few minutes, or use the free on-device cutout.${hint}`;
    case 'blocked-by-browser':
      return `The request to ${name} got no answer: the browser blocked it, or the connection failed before ${name} replied. Check your connection and try again; if it keeps failing, ${name} may not accept requests from web pages.${hint}`;
    case 'offline':
      return `This device is offline, so nothing was sent to ${name}. Connect and try again, or use the free on-device cutout.${hint}`;
    case 'ambiguous':
      return `The connection to ${name} broke while the result was coming back. ${name} may have charged for this cutout; check your balance before you try again.${hint}`;
  }
}

function seconds(value: number): string {
  const rounded = Math.max(1, Math.ceil(value));
  return rounded === 1 ? '1 second' : `${rounded} seconds`;
}

export interface ParsedErrorBody {
  message?: string;
  code?: string;
}

const MAX_PROVIDER_TEXT = 300;

/**
 * Reads every error body shape the three providers send:
 * `{detail,status_code,type}` (PhotoRoom segment), `{error:{message|detail}}` (PhotoRoom edit/account),
 * `{errors:[{title,code,detail}]}` (remove.bg), `{detail}` with FastAPI 422 arrays (withoutBG),
 * `{error:"…"}` (withoutBG's older docs), and bare text such as "Forbidden".
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
  if (!isRecord(json)) return typeof json === 'string' ? { message: clip(json) } : {};

  const errors = json['errors'];
  if (Array.isArray(errors)) {
    const parts: string[] = [];
    let code: string | undefined;
    for (const entry of errors) {
      if (!isRecord(entry)) continue;
      const title = stringField(entry, 'title');
      const detail = stringField(entry, 'detail');
      code ??= stringField(entry, 'code');
      const line = [title, detail].filter((part) => part !== undefined && part !== '').join(': ');
      if (line) parts.push(line);
    }
    return withCode(parts.length ? clip(parts.join('; ')) : undefined, code);
  }

  const error = json['error'];
  if (isRecord(error)) {
    return withCode(
      clipOptional(stringField(error, 'message') ?? stringField(error, 'detail')),
      stringField(error, 'type') ?? stringField(error, 'code'),
    );
  }
  if (typeof error === 'string') return { message: clip(error) };

  const detail = json['detail'];
  if (typeof detail === 'string') return withCode(clip(detail), stringField(json, 'type'));
  if (Array.isArray(detail)) {
    const lines = detail.filter(isRecord).map((entry) => {
      const loc = Array.isArray(entry['loc']) ? entry['loc'].map(String).filter((part) => part !== 'body').join('.') : '';
      const msg = stringField(entry, 'msg') ?? 'invalid';
      return loc ? `${loc}: ${msg}` : msg;
    });
    return withCode(lines.length ? clip(lines.join('; ')) : undefined, stringField(detail.find(isRecord) ?? {}, 'type'));
  }

  return withCode(clipOptional(stringField(json, 'message')), undefined);
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
