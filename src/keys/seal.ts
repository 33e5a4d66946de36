/**
 * Encryption of API keys at rest: AES-GCM, and the keys it needs. Pure WebCrypto, no storage, so it
 * runs (and is tested) anywhere `crypto.subtle` exists.
 *
 * What this protects, honestly (README "Your keys"): keys sealed under a key kept in the same
 * browser profile (the default) are out of plain-text searches of the profile, and that is all.
 * Chromium writes a non-extractable CryptoKey to disk with its raw bytes, so anyone who can copy the
 * profile, or run script on this origin, can decrypt them. Keys sealed under a passphrase-derived
 * key are safe from a copied profile as long as the passphrase is strong; nothing here protects a
 * key from script running on this origin while the keys are unlocked.
 */

export interface SealedSecret {
  /** 96-bit nonce, fresh for every seal. */
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: ArrayBuffer;
}

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256. */
export const PASSPHRASE_ITERATIONS = 600_000;

/** A fresh AES-GCM key that script cannot export (the default, device-bound data key). */
export function createWrappingKey(subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKey> {
  return subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Fresh random bytes for a data key that will itself be sealed under a passphrase. */
export function createDataKeyBytes(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(32));
}

/** The data key from its bytes, as a key script cannot export again. */
export function importDataKey(bytes: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** The key-encryption key a passphrase gives with this salt (PBKDF2-HMAC-SHA-256). Never stored. */
export async function keyFromPassphrase(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations = PASSPHRASE_ITERATIONS,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

const encoder = new TextEncoder();

/**
 * `binding` is authenticated but not encrypted: a ciphertext copied onto another record (another
 * provider, another id, another address) fails to open instead of sending a key somewhere else.
 */
export async function sealBytes(key: CryptoKey, plain: Uint8Array<ArrayBuffer>, binding: string): Promise<SealedSecret> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(binding) }, key, plain);
  return { iv, ciphertext };
}

export async function unsealBytes(key: CryptoKey, sealed: SealedSecret, binding: string): Promise<Uint8Array<ArrayBuffer>> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(binding) },
    key,
    sealed.ciphertext,
  );
  return new Uint8Array(plain);
}

export function seal(key: CryptoKey, secret: string, binding: string): Promise<SealedSecret> {
  return sealBytes(key, encoder.encode(secret), binding);
}

export async function unseal(key: CryptoKey, sealed: SealedSecret, binding: string): Promise<string> {
  return new TextDecoder().decode(await unsealBytes(key, sealed, binding));
}

/** What the UI may show of a key: its last four characters, never more than a quarter of it. */
export function maskedKey(secret: string): string {
  const trimmed = secret.trim();
  const shown = Math.min(4, Math.floor(trimmed.length / 4));
  return `••••${shown > 0 ? trimmed.slice(-shown) : ''}`;
}
