/**
 * Encryption of API keys at rest: AES-GCM under a non-extractable WebCrypto key. Pure WebCrypto,
 * no storage, so it runs (and is tested) anywhere `crypto.subtle` exists.
 *
 * Why bother when the wrapping key sits in the same IndexedDB: a non-extractable key cannot be read
 * out by script, so a copied profile folder, a storage dump or a backup holds only ciphertext.
 */

export interface SealedSecret {
  /** 96-bit nonce, fresh for every seal. */
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: ArrayBuffer;
}

export function createWrappingKey(subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKey> {
  return subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

const encoder = new TextEncoder();

/**
 * `binding` is authenticated but not encrypted: a ciphertext copied onto another record (another
 * provider, another id) fails to open instead of sending one provider's key to another.
 */
export async function seal(key: CryptoKey, secret: string, binding: string): Promise<SealedSecret> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(binding) },
    key,
    encoder.encode(secret),
  );
  return { iv, ciphertext };
}

export async function unseal(key: CryptoKey, sealed: SealedSecret, binding: string): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(binding) },
    key,
    sealed.ciphertext,
  );
  return new TextDecoder().decode(plain);
}

/** What the UI may show of a key: its last four characters, never more than a quarter of it. */
export function maskedKey(secret: string): string {
  const trimmed = secret.trim();
  const shown = Math.min(4, Math.floor(trimmed.length / 4));
  return `••••${shown > 0 ? trimmed.slice(-shown) : ''}`;
}
