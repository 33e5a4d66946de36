import { describe, expect, it } from 'vitest';
import { ProviderError, parseErrorBody, parseRetryAfter, redactKeys } from '../../../src/providers/errors.ts';

describe('parseErrorBody', () => {
  it('reads PhotoRoom segment {detail,status_code,type}', () => {
    expect(parseErrorBody('{"detail":"Please provide an image.","status_code":400,"type":"missing_image"}')).toEqual({
      message: 'Please provide an image.',
      code: 'missing_image',
    });
  });

  it('reads PhotoRoom v2 {error:{message}} and {error:{detail}}', () => {
    expect(parseErrorBody('{"error":{"message":"removeBackground must be boolean"}}')).toEqual({
      message: 'removeBackground must be boolean',
    });
    expect(parseErrorBody('{"error":{"detail":"API credits exhausted."}}')).toEqual({ message: 'API credits exhausted.' });
  });

  it('reads remove.bg {errors:[{title,code,detail}]}', () => {
    expect(parseErrorBody('{"errors":[{"title":"File too large","code":"file_too_large","detail":"File exceeds limit of 22MB"}]}')).toEqual(
      {
        message: 'File too large: File exceeds limit of 22MB',
        code: 'file_too_large',
      },
    );
  });

  it('reads withoutBG {detail} and FastAPI 422 arrays', () => {
    expect(parseErrorBody('{"detail":"Invalid API Key"}')).toEqual({ message: 'Invalid API Key' });
    expect(parseErrorBody('{"detail":[{"loc":["body","file"],"msg":"Field required","type":"missing"}]}')).toEqual({
      message: 'file: Field required',
      code: 'missing',
    });
  });

  it('keeps bare text, drops HTML pages, clips long text', () => {
    expect(parseErrorBody('Forbidden')).toEqual({ message: 'Forbidden' });
    expect(parseErrorBody('<html><body>502 Bad Gateway</body></html>')).toEqual({});
    expect(parseErrorBody('x'.repeat(1000)).message).toHaveLength(300);
    expect(parseErrorBody('')).toEqual({});
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', Date.UTC(2026, 9, 21, 7, 28, 0))).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('ProviderError messages', () => {
  it('name the provider, quote its words as text and say what to do', () => {
    const error = new ProviderError({ kind: 'bad-input', provider: 'removebg', status: 400, providerMessage: '<b>Invalid</b>' });
    expect(error.message).toBe(
      'remove.bg refused this image (HTTP 400). remove.bg said: “<b>Invalid</b>”. Nothing was charged. Try a JPEG or PNG photo within the size limits.',
    );
    const limited = new ProviderError({ kind: 'rate-limited', provider: 'withoutbg', status: 429, retryAfterSeconds: 9 });
    expect(limited.message).toMatch(/^withoutBG .* withoutBG asked to wait 9 seconds before the next call\.$/);
    // A day is said in hours, not 86400 seconds.
    const day = new ProviderError({ kind: 'rate-limited', provider: 'photoroom', status: 429, retryAfterSeconds: 86_400 });
    expect(day.message).toContain('PhotoRoom asked to wait about 24 hours before the next call.');
    expect(new ProviderError({ kind: 'ambiguous', provider: 'photoroom' }).message).toMatch(/may have charged/);
  });
});

describe('keys in provider texts', () => {
  it('are hidden: the key the call carried, and anything shaped like a key', () => {
    expect(redactKeys('Invalid API Key: wb_live_a1b2 rejected', ['wb_live_a1b2'])).toBe('Invalid API Key: [key hidden] rejected');
    expect(redactKeys('Invalid API Key: sk_live_51Hx9LmNq2 (sandbox_abcdef12)')).toBe('Invalid API Key: [key hidden] ([key hidden])');
    expect(redactKeys('not enough api tokens userId: 3f1c2b4a-8d7e-4f60-9a1b-2c3d4e5f6a7b')).toBe(
      'not enough api tokens userId: [key hidden]',
    );
    expect(redactKeys('token Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA rejected')).toBe('token [key hidden] rejected');
    // Ordinary words and numbers stay.
    expect(redactKeys('File exceeds limit of 22MB; resolution_too_high')).toBe('File exceeds limit of 22MB; resolution_too_high');
  });
  it('never reach a ProviderError message', () => {
    const error = new ProviderError({
      kind: 'key-rejected',
      provider: 'withoutbg',
      status: 401,
      providerMessage: 'Invalid API Key: sk_live_51Hx9LmNq2',
    });
    expect(error.message).not.toContain('sk_live_51Hx9LmNq2');
    expect(error.providerMessage).toBe('Invalid API Key: [key hidden]');
  });
});
