/** The stored-datasets commands: choose, rename, delete, cancel an import, the sample data, the gallery. */
import { useMemo } from 'react';
import type { DatasetChoice, DatasetSplit } from '../../worker/protocol';
import { useStudio } from '../store';
import { requestPersistentStorage } from './useImports';
import { useWorkerCommands } from './useTrainingWorker';

/** Gallery images fetched per request. */
export const GALLERY_PAGE = 12;

/** The sample dataset this origin serves (public/sample), one folder per role. */
const SAMPLE = { train: 'sample/train/', val: 'sample/val/' } as const;

export function useDatasets() {
  const { send, nextRequestId } = useWorkerCommands();
  const chooseDataset = useStudio((s) => s.chooseDataset);
  const requestGallery = useStudio((s) => s.requestGallery);
  const requestDatasetImport = useStudio((s) => s.requestDatasetImport);

  return useMemo(
    () => ({
      choose(role: DatasetSplit, choice: DatasetChoice | null) {
        chooseDataset(role, choice);
        send({ type: 'selectDataset', role, choice });
      },
      rename(id: string, name: string) {
        send({ type: 'renameDataset', id, name });
      },
      remove(id: string) {
        send({ type: 'deleteDataset', id });
      },
      cancelImport() {
        send({ type: 'cancelImport' });
      },
      /** Imports public/sample/train as the training set and public/sample/val as the validation set. */
      importSample() {
        requestPersistentStorage();
        for (const role of ['train', 'val'] as const) {
          requestDatasetImport(role);
          const base = new URL(SAMPLE[role], document.baseURI).href;
          send({ type: 'importServedDataset', split: role, base, annotations: 'annotations.json', name: `sample (${role})` });
        }
      },
      /** Asks the worker to decode an image as training does (answered into gallery.decoded). */
      decodeForView(choice: DatasetChoice, imageId: number) {
        send({ type: 'decodeDatasetImage', choice, imageId });
      },
      loadGallery(choice: DatasetChoice, offset: number) {
        const requestId = nextRequestId();
        requestGallery(requestId, choice, offset);
        send({ type: 'readDatasetImages', requestId, choice, offset, count: GALLERY_PAGE });
      },
    }),
    [send, nextRequestId, chooseDataset, requestGallery, requestDatasetImport],
  );
}
