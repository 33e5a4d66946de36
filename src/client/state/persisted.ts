/**
 * A choice kept between visits (the solid-primitives `makePersisted` idea, reduced to what the app
 * needs): read once with a fallback for missing or unknown values, written on change. Main thread.
 */
export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function persistedChoice<T extends string>(
  storage: SettingsStorage,
  key: string,
  allowed: readonly T[],
  fallback: T,
): { initial: T; save(value: T): void } {
  let stored: string | null = null;
  try {
    stored = storage.getItem(key);
  } catch {
    // Storage can be refused (private modes, blocked site data): the fallback applies.
  }
  const initial = allowed.find((value) => value === stored) ?? fallback;
  return {
    initial,
    save(value) {
      try {
        storage.setItem(key, value);
      } catch {
        // Not kept for the next visit, but the choice applies now.
      }
    },
  };
}
