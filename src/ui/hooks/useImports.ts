/** Sending files to the worker: datasets and weights, from pickers and from drops. */
import { useCallback } from 'react';
import type { DatasetSplit } from '../../worker/protocol';
import { useStudio } from '../store';
import { useWorkerCommands } from './useTrainingWorker';

/**
 * Datasets are kept in IndexedDB: ask the browser not to evict them under storage pressure. Only a
 * window may ask (StorageManager.persist is not offered to workers); the answer changes nothing here.
 */
export function requestPersistentStorage(): void {
  void navigator.storage?.persist?.().catch(() => false);
}

export function useImports() {
  const { send } = useWorkerCommands();
  const requestDatasetImport = useStudio((s) => s.requestDatasetImport);
  const refuseDataset = useStudio((s) => s.refuseDataset);
  const requestWeightsImport = useStudio((s) => s.requestWeightsImport);

  /** `paths[i]`: files[i]'s path in a dropped folder (else its webkitRelativePath or name is used). */
  const importDataset = useCallback(
    (split: DatasetSplit, files: readonly File[], paths?: readonly string[]) => {
      if (files.length === 0) {
        refuseDataset(split, 'no files were given: choose a COCO annotations .json with its images, or one .zip');
        return;
      }
      requestPersistentStorage();
      requestDatasetImport(split);
      send({ type: 'importDataset', split, files, paths });
    },
    [send, requestDatasetImport, refuseDataset],
  );

  const importWeights = useCallback(
    (file: File) => {
      requestWeightsImport(file.name);
      // Checked against the editor's config: the page says what loads and what does not fit.
      send({ type: 'importWeights', file, config: useStudio.getState().config });
    },
    [send, requestWeightsImport],
  );

  return { importDataset, importWeights };
}
