/** Narrow views of the run for the panels (module-level selectors, shallow-compared). */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { throughput, type Throughput } from '../store/selectors';
import type { StudioState } from '../store/state';

const selectRunView = (s: StudioState) => ({
  runStatus: s.runStatus,
  iteration: s.iteration,
  epoch: s.epoch,
  maxIter: s.maxIter,
  itersPerEpoch: s.itersPerEpoch,
  phase: s.phase,
  runError: s.runError,
});

const selectBackendView = (s: StudioState) => ({
  workerStatus: s.workerStatus,
  backend: s.backend,
  backendChoice: s.backendChoice,
});

const selectThroughputInputs = (s: StudioState) => ({ metrics: s.metrics, iteration: s.iteration, maxIter: s.maxIter });

export const useRunView = () => useStudio(useShallow(selectRunView));
export const useBackendView = () => useStudio(useShallow(selectBackendView));

export function useThroughput(): Throughput | undefined {
  const inputs = useStudio(useShallow(selectThroughputInputs));
  return useMemo(() => throughput(inputs), [inputs]);
}
