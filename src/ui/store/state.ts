/** The studio's state: the union of its slices (data only; actions live in each slice file). */
import { initialArtifactsSlice, type ArtifactsSlice } from './artifacts_slice';
import { initialConfigSlice, type ConfigSlice } from './config_slice';
import { initialDataSlice, type DataSlice } from './data_slice';
import { initialMetricsSlice, type MetricsSlice } from './metrics_slice';
import { initialRunSlice, type RunSlice } from './run_slice';

export type StudioState = ConfigSlice & RunSlice & DataSlice & MetricsSlice & ArtifactsSlice;

export function initialState(): StudioState {
  return { ...initialConfigSlice(), ...initialRunSlice(), ...initialDataSlice(), ...initialMetricsSlice(), ...initialArtifactsSlice() };
}
