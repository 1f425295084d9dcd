import { useState, type ChangeEvent } from 'react';
import '../datasets.css';
import { useStudio } from '../store';
import { selectTrainDataset, selectValDataset } from '../store/selectors';
import { selectDatasetSelection, selectImportProgress, selectStoredDatasets } from '../store/data_selectors';
import type { DatasetState } from '../store/data_slice';
import { useImports } from '../hooks/useImports';
import { useDatasets } from '../hooks/useDatasets';
import type { DatasetChoice, DatasetSplit, StoredSplitName } from '../../worker/protocol';
import { plural } from '../format';
import { Callout } from './Callout';
import { DatasetGallery } from './DatasetGallery';
import { DatasetStats } from './DatasetStats';
import { DatasetSummaryView } from './DatasetSummaryView';
import { FileDrop } from './FileDrop';
import { ImportProgressBar } from './ImportProgressBar';
import { Panel } from './Panel';
import { StoredDatasetsList } from './StoredDatasetsList';

/** Warnings rendered before "show all" (a messy dataset can have thousands). */
const SHOWN_WARNINGS = 200;

/** Refusal, or every item an import skipped or adjusted, each naming its file or annotation id. */
function ImportProblems({ state, testId }: { state: DatasetState; testId: string }) {
  const [all, setAll] = useState(false);
  if (state.status === 'refused' && state.error) {
    return (
      <Callout kind="danger" testId={testId}>
        <p>{state.error}</p>
      </Callout>
    );
  }
  const warnings = state.summary?.warnings ?? [];
  if (warnings.length === 0) return null;
  const shown = all ? warnings : warnings.slice(0, SHOWN_WARNINGS);
  return (
    <Callout kind="warn" testId={testId}>
      <p>Imported with {plural(warnings.length, 'warning')}:</p>
      <ul className="warnings">
        {shown.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
      {shown.length < warnings.length && (
        <button type="button" className="btn small" onClick={() => setAll(true)}>
          Show all {warnings.length}
        </button>
      )}
    </Callout>
  );
}

/** A button that picks a whole folder (nested sub-folders included, paths kept). */
function FolderPicker({ testId, onFiles }: { testId: string; onFiles(files: File[]): void }) {
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = '';
    if (files.length > 0) onFiles(files);
  };
  return (
    <label className="btn small">
      <input className="visually-hidden" type="file" data-testid={testId} onChange={onChange} {...{ webkitdirectory: '', directory: '' }} />
      Choose a folder
    </label>
  );
}

function SplitImport(props: { split: DatasetSplit; state: DatasetState; ids: { input: string; folder: string; summary: string; error: string }; title: string; compact?: boolean }) {
  const { importDataset } = useImports();
  const { cancelImport } = useDatasets();
  const progress = useStudio(selectImportProgress);
  const { state } = props;
  const importing = state.status === 'importing';
  return (
    <>
      <FileDrop
        testId={props.ids.input}
        icon={props.compact ? 'folder' : 'images'}
        compact={props.compact}
        multiple
        accept=".json,.zip,image/*,application/json,application/zip"
        title={importing ? 'Reading files…' : props.title}
        subtitle={props.compact ? 'Annotations .json + images, or a .zip' : 'A COCO annotations .json with its images, or one .zip — or drop them (or a folder) anywhere'}
        onFiles={(files) => importDataset(props.split, files)}
      />
      <div className="import-actions">
        <FolderPicker testId={props.ids.folder} onFiles={(files) => importDataset(props.split, files)} />
      </div>
      {importing && <ImportProgressBar progress={progress?.split === props.split ? progress : null} onCancel={cancelImport} />}
      {state.summary && state.status !== 'refused' && (
        <>
          <DatasetSummaryView summary={state.summary} testId={props.ids.summary} />
          <DatasetStats summary={state.summary} />
        </>
      )}
      <ImportProblems state={state} testId={props.ids.error} />
    </>
  );
}

export function DatasetsPanel() {
  const train = useStudio(selectTrainDataset);
  const val = useStudio(selectValDataset);
  const stored = useStudio(selectStoredDatasets);
  const selection = useStudio(selectDatasetSelection);
  const datasets = useDatasets();
  const [viewing, setViewing] = useState<string | null>(null);
  const busy = train.status === 'importing' || val.status === 'importing';

  // The gallery shows the dataset the user clicked, else the training set.
  const viewed = stored.find((d) => d.id === (viewing ?? selection.train?.id));
  const viewSplit: StoredSplitName | undefined = viewed ? (selection.train?.id === viewed.id ? selection.train.split : (Object.keys(viewed.splits)[0] as StoredSplitName)) : undefined;
  const viewChoice: DatasetChoice | null = viewed && viewSplit ? { id: viewed.id, split: viewSplit } : null;

  return (
    <Panel
      id="datasets"
      title="Datasets"
      subtitle="COCO format · stays on this device"
      actions={
        <button type="button" className="btn small" data-testid="dataset-sample" disabled={busy} onClick={datasets.importSample}>
          Try with sample data
        </button>
      }
    >
      <p className="section-label">Training set</p>
      <SplitImport split="train" state={train} ids={{ input: 'dataset-input', folder: 'dataset-folder-input', summary: 'dataset-summary', error: 'dataset-error' }} title="Choose or drop a COCO dataset" />
      <p className="section-label">
        Validation set <span style={{ textTransform: 'none', letterSpacing: 0, fontWeight: 450 }}>(optional, for COCO AP)</span>
      </p>
      <SplitImport split="val" state={val} compact ids={{ input: 'dataset-val-input', folder: 'dataset-val-folder-input', summary: 'dataset-val-summary', error: 'dataset-val-error' }} title="Add a validation set" />
      <p className="section-label">Stored in this browser</p>
      <StoredDatasetsList
        datasets={stored}
        selection={selection}
        viewing={viewChoice?.id ?? null}
        onChoose={datasets.choose}
        onRename={datasets.rename}
        onDelete={(id) => {
          if (viewing === id) setViewing(null);
          datasets.remove(id);
        }}
        onView={setViewing}
      />
      {viewed && viewChoice && (
        <>
          <p className="section-label">Images of {viewed.name}</p>
          <DatasetGallery choice={viewChoice} categories={viewed.splits[viewChoice.split]?.categories ?? []} />
        </>
      )}
    </Panel>
  );
}
