/** Artifacts slice: saved checkpoints, predictions, and downloads in flight. */
import type { CheckpointInfo, PredictionResult } from '../../worker/protocol';

export type ExportKind = 'weights' | 'checkpoint' | 'metrics';

export interface ArtifactsSlice {
  checkpoints: readonly CheckpointInfo[];
  predictions: readonly PredictionResult[];
  predictStatus: 'idle' | 'running' | 'done' | 'failed';
  predictError: string | null;
  /** Export requests awaiting the worker, by request id. */
  exporting: Readonly<Record<number, ExportKind>>;
}

export function initialArtifactsSlice(): ArtifactsSlice {
  return { checkpoints: [], predictions: [], predictStatus: 'idle', predictError: null, exporting: {} };
}

export function withoutRequest(s: ArtifactsSlice, requestId: number | undefined): Pick<ArtifactsSlice, 'exporting'> {
  if (requestId === undefined || !(requestId in s.exporting)) return { exporting: s.exporting };
  const exporting = { ...s.exporting };
  delete exporting[requestId];
  return { exporting };
}

export const artifactsActions = {
  requestPredict(_s: ArtifactsSlice): Partial<ArtifactsSlice> {
    return { predictStatus: 'running', predictError: null };
  },
  requestExport(s: ArtifactsSlice, payload: { requestId: number; kind: ExportKind }): Partial<ArtifactsSlice> {
    return { exporting: { ...s.exporting, [payload.requestId]: payload.kind } };
  },
};
