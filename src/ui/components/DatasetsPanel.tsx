import { useStudio } from '../store';
import { selectTrainDataset, selectValDataset } from '../store/selectors';
import type { DatasetState } from '../store/data_slice';
import { useImports } from '../hooks/useImports';
import type { DatasetSplit } from '../../worker/protocol';
import { plural } from '../format';
import { Callout } from './Callout';
import { DatasetSummaryView } from './DatasetSummaryView';
import { FileDrop } from './FileDrop';
import { Panel } from './Panel';

const SHOWN_WARNINGS = 5;

/** Refusal, or the items an import skipped: one place, so the user sees why. */
function ImportProblems({ state, testId }: { state: DatasetState; testId: string }) {
  if (state.status === 'refused' && state.error) {
    return (
      <Callout kind="danger" testId={testId}>
        <p>{state.error}</p>
      </Callout>
    );
  }
  const warnings = state.summary?.warnings ?? [];
  if (warnings.length === 0) return null;
  return (
    <Callout kind="warn" testId={testId}>
      <p>Imported with {plural(warnings.length, 'warning')}:</p>
      <ul>
        {warnings.slice(0, SHOWN_WARNINGS).map((w, i) => (
          <li key={i}>{w}</li>
        ))}
        {warnings.length > SHOWN_WARNINGS && <li>and {warnings.length - SHOWN_WARNINGS} more</li>}
      </ul>
    </Callout>
  );
}

function SplitImport(props: { split: DatasetSplit; state: DatasetState; ids: { input: string; summary: string; error: string }; title: string; compact?: boolean }) {
  const { importDataset } = useImports();
  const { state } = props;
  return (
    <>
      <FileDrop
        testId={props.ids.input}
        icon={props.compact ? 'folder' : 'images'}
        compact={props.compact}
        multiple
        accept=".json,.zip,image/*,application/json,application/zip"
        title={state.status === 'importing' ? 'Reading files…' : props.title}
        subtitle={props.compact ? 'Annotations .json + images, or a .zip' : 'A COCO annotations .json with its images, or one .zip — or drop them anywhere'}
        onFiles={(files) => importDataset(props.split, files)}
      />
      {state.summary && state.status !== 'refused' && <DatasetSummaryView summary={state.summary} testId={props.ids.summary} />}
      <ImportProblems state={state} testId={props.ids.error} />
    </>
  );
}

export function DatasetsPanel() {
  const train = useStudio(selectTrainDataset);
  const val = useStudio(selectValDataset);
  return (
    <Panel id="datasets" title="Datasets" subtitle="COCO format · stays on this device">
      <p className="section-label">Training set</p>
      <SplitImport split="train" state={train} ids={{ input: 'dataset-input', summary: 'dataset-summary', error: 'dataset-error' }} title="Choose or drop a COCO dataset" />
      <p className="section-label">Validation set <span style={{ textTransform: 'none', letterSpacing: 0, fontWeight: 450 }}>(optional, for COCO AP)</span></p>
      <SplitImport split="val" state={val} compact ids={{ input: 'dataset-val-input', summary: 'dataset-val-summary', error: 'dataset-val-error' }} title="Add a validation set" />
    </Panel>
  );
}
