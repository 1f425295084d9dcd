/** Module-level selectors of the data slice's stored datasets, import progress and gallery. */
import type { StudioState } from './state';

export const selectStoredDatasets = (s: StudioState) => s.storedDatasets;
export const selectDatasetSelection = (s: StudioState) => s.datasetSelection;
export const selectImportProgress = (s: StudioState) => s.importProgress;
export const selectGallery = (s: StudioState) => s.gallery;
