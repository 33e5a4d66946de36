import { describe, expect, it } from 'vitest';
import { checkBaseUrl, createAdapters, emptyEndpoints } from '../../../src/providers/endpoints.ts';
import { aiEditRequest, DEFAULT_AI_EDIT, HD_OPERATION } from '../../../src/providers/offers.ts';
import { costInWords } from '../../../src/credits/logic/prices.ts';

const adapters = createAdapters(emptyEndpoints());

describe('cost in words', () => {
  it('names the price on the user plan and what is left', () => {
    expect(costInWords(adapters.photoroom, 'edit', { plan: 'basic', available: 83 })).toBe('5 images (Basic plan) · 83 images left');
    expect(costInWords(adapters.photoroom, 'segment', { plan: 'PLUS' })).toBe('0.2 images (Plus plan)');
  });
  it('lists every plan when the plan is unknown', () => {
    expect(costInWords(adapters.photoroom, 'segment', {})).toBe('1 image on Basic, 0.2 images on Plus');
  });
  it('prices remove.bg by size and withoutBG flat', () => {
    expect(costInWords(adapters.removebg, 'removebg', { size: 'preview', available: 1 })).toBe('0.25 credits · 1 credit left');
    expect(costInWords(adapters.removebg, 'removebg', { size: 'full' })).toBe('1 credit');
    expect(costInWords(adapters.withoutbg, 'cutout', { available: 0 })).toBe('1 credit · 0 credits left');
  });
  it('says sandbox calls are free', () => {
    expect(costInWords(adapters.photoroom, 'edit', { sandbox: true, plan: 'basic' })).toMatch(/^free/);
  });
});

describe('requests the app sends', () => {
  it('asks each provider for full resolution PNG, matching the operation it is priced by', () => {
    const image = new Blob(['x'], { type: 'image/png' });
    for (const provider of ['photoroom', 'removebg', 'withoutbg'] as const) {
      const request = adapters[provider].hdRequest(image);
      expect(request.op).toBe(HD_OPERATION[provider].op);
      if ('size' in request && provider !== 'photoroom') expect(request.size).toBe(HD_OPERATION[provider].size);
      if ('size' in request) expect(request.size).toBe('full');
      expect(adapters[provider].operations.some((spec) => spec.op === request.op)).toBe(true);
    }
  });
  it('turns the AI-edit form into PhotoRoom fields', () => {
    const image = new Blob(['x']);
    expect(aiEditRequest(image, DEFAULT_AI_EDIT)).toEqual({
      op: 'edit',
      image,
      removeBackground: true,
      padding: '10%',
      outputSize: 'originalImage',
      exportFormat: 'png',
    });
    const full = aiEditRequest(image, {
      backgroundPrompt: '  on a beach ',
      shadow: 'ai.soft',
      relight: true,
      paddingPercent: 80,
      outputSize: '1080x1080',
    });
    expect(full).toMatchObject({
      background: { prompt: 'on a beach' },
      shadowMode: 'ai.soft',
      lightingMode: 'ai.auto',
      padding: '45%',
      outputSize: '1080x1080',
    });
  });
});

describe('configurable base URLs', () => {
  it('accepts https anywhere and keeps a gateway path', () => {
    expect(checkBaseUrl(' https://gw.example.com/photoroom/ ')).toEqual({ ok: true, url: 'https://gw.example.com/photoroom' });
  });
  it('accepts http only on this machine', () => {
    expect(checkBaseUrl('http://127.0.0.1:5111')).toEqual({ ok: true, url: 'http://127.0.0.1:5111' });
    expect(checkBaseUrl('http://localhost:8080/x')).toEqual({ ok: true, url: 'http://localhost:8080/x' });
    const plain = checkBaseUrl('http://proxy.example.com');
    expect(plain.ok).toBe(false);
  });
  it('refuses what cannot be a base URL', () => {
    for (const bad of [
      'sdk.photoroom.com',
      'ftp://x.example',
      'https://u:p@x.example',
      'https://x.example/?key=1',
      'javascript:alert(1)',
    ]) {
      expect(checkBaseUrl(bad).ok, bad).toBe(false);
    }
  });
  it('refuses hosts whose characters would change the Content-Security-Policy', () => {
    // Chromium's and Node's URL parsers keep ; , ' and * in hosts; in a CSP header they end or split a directive.
    for (const bad of [
      'https://evil.example;sandbox',
      'https://a,b.example',
      "https://x.example'unsafe-inline'",
      'https://*.example.com',
      'https://ex%61mple.com',
      'https://evil.example;sandbox/path',
    ]) {
      const checked = checkBaseUrl(bad);
      expect(checked.ok, bad).toBe(false);
      if (!checked.ok) expect(checked.reason, bad).toMatch(/letters, digits, dots and hyphens/);
    }
  });
  it('refuses IPv6 addresses with a reason, since the CSP cannot carry them', () => {
    const checked = checkBaseUrl('http://[::1]:9');
    expect(checked).toEqual({ ok: false, reason: expect.stringMatching(/IPv6.*127\.0\.0\.1/) });
  });
  it("refuses another provider's host for a provider, but not its own", () => {
    const crossed = checkBaseUrl('https://image-api.photoroom.com', 'removebg');
    expect(crossed.ok).toBe(false);
    if (!crossed.ok) expect(crossed.reason).toMatch(/PhotoRoom's.*remove\.bg key would be sent to PhotoRoom/);
    expect(checkBaseUrl('https://api.remove.bg/', 'leonardo').ok).toBe(false);
    expect(checkBaseUrl('https://cdn.leonardo.ai', 'photoroom').ok).toBe(false);
    expect(checkBaseUrl('https://sdk.photoroom.com', 'photoroom')).toEqual({ ok: true, url: 'https://sdk.photoroom.com' });
    expect(checkBaseUrl('https://relay.example.com/photoroom', 'removebg').ok).toBe(true);
  });
});
