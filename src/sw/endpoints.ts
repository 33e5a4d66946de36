/**
 * Reads the user's configured provider endpoints (contract with the provider settings:
 * IndexedDB `cutwise-settings`, object store `provider-endpoints`, one record per provider id whose
 * string properties are base URLs). Runs in the service worker.
 *
 * It must never create the database: a database created here at version 1 without the store would
 * stop the settings code's own upgrade from ever running. So an upgrade (= the database does not
 * exist yet) is aborted, which discards the creation.
 */
import { ENDPOINTS_STORE, SETTINGS_DB } from '../shared/names.ts';

export { ENDPOINTS_STORE, SETTINGS_DB };

export function readEndpointRecords(): Promise<unknown[]> {
  return new Promise((resolve) => {
    let request: IDBOpenDBRequest;
    try {
      request = indexedDB.open(SETTINGS_DB);
    } catch {
      resolve([]);
      return;
    }
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onerror = () => resolve([]);
    request.onblocked = () => resolve([]);
    request.onsuccess = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(ENDPOINTS_STORE)) {
        db.close();
        resolve([]);
        return;
      }
      const read = db.transaction(ENDPOINTS_STORE, 'readonly').objectStore(ENDPOINTS_STORE).getAll();
      read.onsuccess = () => {
        db.close();
        resolve(read.result as unknown[]);
      };
      read.onerror = () => {
        db.close();
        resolve([]);
      };
    };
  });
}
