// The browser's keeping of end-to-end state: one IndexedDB database per signed-in user, one
// object store of keys to values. CryptoKey objects are structured-cloneable, so the device's
// non-extractable private keys are kept as they are and can be used, never read out.
import type { KeyValue } from "./session";

const storeName = "kv";

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB failed"));
  });
}

export class IdbKeyValue implements KeyValue {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (or creates) the user's database; one per user so that two accounts in one browser stay apart. */
  static open(userId: string): Promise<IdbKeyValue> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(`petitchat-e2ee-${userId}`, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(storeName);
      req.onsuccess = () => resolve(new IdbKeyValue(req.result));
      req.onerror = () => reject(req.error ?? new Error("IndexedDB cannot be opened"));
      req.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const value = await request(this.db.transaction(storeName, "readonly").objectStore(storeName).get(key));
    return (value ?? undefined) as T | undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    const tx = this.db.transaction(storeName, "readwrite");
    tx.objectStore(storeName).put(value, key);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB write failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB write aborted"));
    });
  }
}
