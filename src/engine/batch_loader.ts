/** The data pipeline's DataLoader seen through the engine's BatchLoader port. */
import type { DataLoader, LoaderState } from '../data/loader';
import type { BatchLoader } from './ports';

export function asBatchLoader(loader: DataLoader): BatchLoader {
  return {
    batchesPerEpoch: loader.sampler.batchesPerEpoch,
    nextBatch: async () => (await loader.nextBatch()).batch,
    stateDict: () => loader.state(),
    loadStateDict: (s) => loader.setState(s as LoaderState),
  };
}
