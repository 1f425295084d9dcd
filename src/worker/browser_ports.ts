/**
 * The engine adapter's ports in the page: stored datasets (IndexedDB, dataset_store.ts), the image
 * decoder the model's pixels come from (src/data/image_decode.ts with wasm codecs from this origin),
 * the run store (IndexedDB) and the monotonic clock.
 */
import { BrowserImageDecoder } from '../platform/browser/image_decoder';
import { getDatasetSelection, loadStoredDataset, type DatasetChoice } from '../platform/browser/dataset_store';
import { openBrowserRunStore } from '../platform/browser/run_store';
import type { EnginePorts } from './engine_adapter';

export function browserEnginePorts(): EnginePorts {
  const { runs } = openBrowserRunStore();
  return {
    async loadDataset(role, choice) {
      const c = (choice as DatasetChoice | undefined) ?? (await getDatasetSelection())[role];
      if (!c) return null;
      return { dataset: await loadStoredDataset(c.id, c.split), choice: c };
    },
    decoder: new BrowserImageDecoder(),
    runs,
    clock: { now: () => performance.now() / 1000 },
  };
}
