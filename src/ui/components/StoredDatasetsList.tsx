import { useState } from 'react';
import type { DatasetChoice, DatasetSelection, DatasetSplit, StoredDatasetInfo, StoredSplitName } from '../../worker/protocol';
import { formatBytes, plural } from '../format';

const SPLIT_LABEL: Record<StoredSplitName, string> = { train: 'train', val: 'valid', test: 'test', all: 'all images' };
const ROLE_LABEL: Record<DatasetSplit, string> = { train: 'Training set', val: 'Validation set' };

const key = (c: DatasetChoice | undefined) => (c ? `${c.id}|${c.split}` : '');

function ChoiceSelect(props: { role: DatasetSplit; datasets: readonly StoredDatasetInfo[]; value: DatasetChoice | undefined; onChoose(c: DatasetChoice | null): void }) {
  const options = props.datasets.flatMap((d) =>
    (Object.keys(d.splits) as StoredSplitName[]).map((split) => ({ choice: { id: d.id, split }, label: `${d.name} — ${SPLIT_LABEL[split]} (${plural(d.splits[split]!.images, 'image')})` })),
  );
  return (
    <label className="choice">
      <span>{ROLE_LABEL[props.role]}</span>
      <select
        className="select"
        data-testid={`dataset-${props.role}-select`}
        value={key(props.value)}
        onChange={(e) => props.onChoose(options.find((o) => key(o.choice) === e.target.value)?.choice ?? null)}
      >
        <option value="">{props.role === 'train' ? 'none' : 'none (no COCO AP)'}</option>
        {options.map((o) => (
          <option key={key(o.choice)} value={key(o.choice)}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Row(props: { d: StoredDatasetInfo; viewing: boolean; onRename(name: string): void; onDelete(): void; onView(): void }) {
  const { d } = props;
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const commit = (value: string) => {
    setEditing(false);
    if (value.trim() && value.trim() !== d.name) props.onRename(value);
  };
  const splits = (Object.keys(d.splits) as StoredSplitName[]).map((s) => SPLIT_LABEL[s]).join(' · ');
  return (
    <li className="stored-item" data-testid="stored-dataset" data-id={d.id} aria-current={props.viewing || undefined}>
      <div className="stored-main">
        {editing ? (
          <input
            className="rename-input"
            aria-label="dataset name"
            defaultValue={d.name}
            autoFocus
            onBlur={(e) => commit(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit(e.currentTarget.value);
              if (e.key === 'Escape') setEditing(false);
            }}
          />
        ) : (
          <button type="button" className="link stored-name" title="Show its images" onClick={props.onView}>
            {d.name}
          </button>
        )}
        <small>
          {plural(d.images, 'image')} · <span data-bytes={d.bytes}>{formatBytes(d.bytes)}</span> · <time dateTime={new Date(d.createdAt).toISOString()}>{new Date(d.createdAt).toLocaleString()}</time> · {splits}
        </small>
      </div>
      <div className="row-actions">
        <button type="button" className="btn small" onClick={() => setEditing(true)}>
          Rename
        </button>
        <button
          type="button"
          className="btn small danger-outline"
          onClick={() => (confirming ? props.onDelete() : setConfirming(true))}
          onBlur={() => setConfirming(false)}
        >
          {confirming ? 'Really delete?' : 'Delete'}
        </button>
      </div>
    </li>
  );
}

/** The datasets kept in this browser: which one trains and validates; rename, delete, view. */
export function StoredDatasetsList(props: {
  datasets: readonly StoredDatasetInfo[];
  selection: DatasetSelection;
  viewing: string | null;
  onChoose(role: DatasetSplit, c: DatasetChoice | null): void;
  onRename(id: string, name: string): void;
  onDelete(id: string): void;
  onView(id: string): void;
}) {
  if (props.datasets.length === 0) return <p className="hint">No dataset stored in this browser yet.</p>;
  return (
    <div className="stored-datasets" data-testid="stored-datasets">
      <div className="choices">
        {(['train', 'val'] as const).map((role) => (
          <ChoiceSelect key={role} role={role} datasets={props.datasets} value={props.selection[role]} onChoose={(c) => props.onChoose(role, c)} />
        ))}
      </div>
      <ul className="stored-list">
        {props.datasets.map((d) => (
          <Row key={d.id} d={d} viewing={props.viewing === d.id} onRename={(n) => props.onRename(d.id, n)} onDelete={() => props.onDelete(d.id)} onView={() => props.onView(d.id)} />
        ))}
      </ul>
    </div>
  );
}
