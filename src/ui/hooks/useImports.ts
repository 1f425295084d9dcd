/** Sending files to the worker: datasets and weights, from pickers and from drops. */
import { useCallback } from 'react';
import type { DatasetSplit } from '../../worker/protocol';
import { useStudio } from '../store';
import { useWorkerCommands } from './useTrainingWorker';

export function useImports() {
  const { send } = useWorkerCommands();
  const requestDatasetImport = useStudio((s) => s.requestDatasetImport);
  const refuseDataset = useStudio((s) => s.refuseDataset);
  const requestWeightsImport = useStudio((s) => s.requestWeightsImport);

  const importDataset = useCallback(
    (split: DatasetSplit, files: readonly File[]) => {
      if (files.length === 0) {
        refuseDataset(split, 'no files were given: choose a COCO annotations .json with its images, or one .zip');
        return;
      }
      requestDatasetImport(split);
      send({ type: 'importDataset', split, files });
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
