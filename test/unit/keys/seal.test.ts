import { describe, expect, it } from 'vitest';
import { createWrappingKey, maskedKey, seal, unseal } from '../../../src/keys/seal.ts';

describe('sealing API keys with AES-GCM', () => {
  it('round-trips a key and never stores it in clear', async () => {
    const key = await createWrappingKey();
    const secret = 'sk_live_4f9a2b7c1d';
    const sealed = await seal(key, secret, 'cutwise-key:photoroom:1');
    const bytes = new Uint8Array(sealed.ciphertext);
    expect(new TextDecoder('latin1').decode(bytes)).not.toContain(secret);
    expect(sealed.iv).toHaveLength(12);
    await expect(unseal(key, sealed, 'cutwise-key:photoroom:1')).resolves.toBe(secret);
  });

  it('uses a fresh nonce each time', async () => {
    const key = await createWrappingKey();
    const a = await seal(key, 'same', 'b');
    const b = await seal(key, 'same', 'b');
    expect(Buffer.from(a.iv).equals(Buffer.from(b.iv))).toBe(false);
    expect(Buffer.from(a.ciphertext).equals(Buffer.from(b.ciphertext))).toBe(false);
  });

  it('refuses a ciphertext moved to another provider or record', async () => {
    const key = await createWrappingKey();
    const sealed = await seal(key, 'secret-value', 'cutwise-key:photoroom:1');
    await expect(unseal(key, sealed, 'cutwise-key:removebg:1')).rejects.toThrow();
    await expect(unseal(await createWrappingKey(), sealed, 'cutwise-key:photoroom:1')).rejects.toThrow();
  });

  it('makes a wrapping key that script cannot export', async () => {
    const key = await createWrappingKey();
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });

  it('shows at most the last four characters, and never more than a quarter of a short key', () => {
    expect(maskedKey('  sk_live_4f9a2b7c1d ')).toBe('••••7c1d');
    expect(maskedKey('abcdefg')).toBe('••••g');
    expect(maskedKey('abc')).toBe('••••');
  });
});
