/**
 * Reading the page's stored datasets straight from IndexedDB (the layout of
 * src/platform/browser/dataset_idb.ts), independently of the app's own code. Databases that do not
 * exist yet are never opened (opening one would create it empty, without its store).
 */
import type { Page } from '@playwright/test';

export interface IdbState {
  /** Committed datasets (info records). */
  datasetIds: string[];
  /** Distinct dataset ids with anything in the files store. */
  fileIds: string[];
  /** Keys in the files store (files and manifests). */
  fileKeys: number;
  selection: { train?: { id: string; split: string }; val?: { id: string; split: string } };
}

export function idbState(page: Page): Promise<IdbState> {
  return page.evaluate(async () => {
    const names = new Set((await indexedDB.databases()).map((d) => d.name));
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => ((r.onsuccess = () => res(r.result)), (r.onerror = () => rej(r.error))));
    const withStore = async <T,>(dbName: string, store: string, fn: (s: IDBObjectStore) => Promise<T>, empty: T): Promise<T> => {
      if (!names.has(dbName)) return empty;
      const db = await req(indexedDB.open(dbName));
      try {
        if (!db.objectStoreNames.contains(store)) return empty;
        return await fn(db.transaction(store, 'readonly').objectStore(store));
      } finally {
        db.close();
      }
    };
    const datasetIds = (await withStore('detr-studio-datasets', 'datasets', (s) => req(s.getAllKeys()), [] as IDBValidKey[])) as string[];
    const fileKeys = (await withStore('detr-studio-dataset-files', 'files', (s) => req(s.getAllKeys()), [] as IDBValidKey[])) as [string, string][];
    const selection = await withStore('detr-studio-dataset-meta', 'meta', (s) => req(s.get('selection')), undefined);
    return { datasetIds, fileIds: [...new Set(fileKeys.map((k) => k[0]))], fileKeys: fileKeys.length, selection: selection ?? {} };
  });
}

/** sha-256 (hex) of every file stored for a dataset, by path (the manifest record excluded). */
export function storedFileHashes(page: Page, id: string): Promise<Record<string, string>> {
  return page.evaluate(async (datasetId) => {
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => ((r.onsuccess = () => res(r.result)), (r.onerror = () => rej(r.error))));
    const db = await req(indexedDB.open('detr-studio-dataset-files'));
    const store = db.transaction('files', 'readonly').objectStore('files');
    const range = IDBKeyRange.bound([datasetId], [datasetId, []]);
    const [keys, values] = await Promise.all([req(store.getAllKeys(range)), req(store.getAll(range))]);
    db.close();
    const out: Record<string, string> = {};
    for (let i = 0; i < keys.length; i++) {
      const path = (keys[i] as [string, string])[1];
      if (path === '') continue;
      const digest = await crypto.subtle.digest('SHA-256', await (values[i] as Blob).arrayBuffer());
      out[path] = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }
    return out;
  }, id);
}

/** "WxH:sha-256 of the RGB bytes" of every gallery canvas (the model view), by file name. */
export function canvasRgbHashes(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const out: Record<string, string> = {};
    for (const c of document.querySelectorAll<HTMLCanvasElement>('[data-testid="gallery-canvas"]')) {
      const { data, width, height } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      const rgb = new Uint8Array(width * height * 3);
      for (let i = 0, j = 0; j < data.length; i += 3, j += 4) (rgb[i] = data[j]), (rgb[i + 1] = data[j + 1]), (rgb[i + 2] = data[j + 2]);
      const digest = await crypto.subtle.digest('SHA-256', rgb);
      out[c.dataset.fileName!] = `${width}x${height}:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    }
    return out;
  });
}
