/**
 * A string-keyed store of structured-clonable values (Blobs included): IndexedDB through idb-keyval
 * in the page (one database per store, as idb-keyval's createStore opens a database holding one
 * store; opened on first use, never at import time), or a Map where IndexedDB is missing (a private
 * window of some browsers, Node tests). Each call is one transaction: a `set` is all or nothing,
 * and `update` reads and writes in the same transaction.
 */
import { createStore, del, delMany, get, keys, set, update, type UseStore } from 'idb-keyval';

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  /** Read-modify-write as one atomic step. */
  update<T>(key: string, fn: (old: T | undefined) => T): Promise<void>;
  del(key: string): Promise<void>;
  delMany(keys: readonly string[]): Promise<void>;
  keys(): Promise<string[]>;
}

/** IndexedDB database `dbName` holding one object store `store` (opened lazily). */
export function idbKeyValueStore(dbName: string, store = 'kv'): KeyValueStore {
  let db: UseStore | null = null;
  const s = () => (db ??= createStore(dbName, store));
  return {
    get: (k) => get(k, s()),
    set: (k, v) => set(k, v, s()),
    update: (k, fn) => update(k, fn, s()),
    del: (k) => del(k, s()),
    delMany: (ks) => delMany([...ks], s()),
    keys: async () => (await keys(s())).map(String),
  };
}

/** The same contract in memory (lost with the worker). */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly map = new Map<string, unknown>();
  async get<T>(k: string): Promise<T | undefined> {
    return this.map.get(k) as T | undefined;
  }
  async set(k: string, v: unknown): Promise<void> {
    this.map.set(k, v);
  }
  async update<T>(k: string, fn: (old: T | undefined) => T): Promise<void> {
    this.map.set(k, fn(this.map.get(k) as T | undefined));
  }
  async del(k: string): Promise<void> {
    this.map.delete(k);
  }
  async delMany(ks: readonly string[]): Promise<void> {
    for (const k of ks) this.map.delete(k);
  }
  async keys(): Promise<string[]> {
    return [...this.map.keys()];
  }
}

/** IndexedDB when this context has it, else memory (with the reason, for a notice). */
export function persistentOrMemory(dbName: string): { store: KeyValueStore; persistent: boolean } {
  return typeof indexedDB === 'undefined' ? { store: new MemoryKeyValueStore(), persistent: false } : { store: idbKeyValueStore(dbName), persistent: true };
}
