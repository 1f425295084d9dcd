import { useEffect, useMemo, useState } from 'react';
import type { Detection, PredictionResult } from '../../worker/protocol';
import { useStudio } from '../store';
import { selectTrainDataset, selectValDataset } from '../store/selectors';
import { useWorkerCommands } from '../hooks/useTrainingWorker';
import { Callout } from './Callout';
import { EmptyState } from './EmptyState';
import { FileDrop } from './FileDrop';
import { Icon } from './Icon';
import { Panel } from './Panel';

const BOX_COLORS = ['#e15759', '#4e79a7', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7'];
/** Validation images shown (the first ones, ascending image id). */
const VALIDATION_COUNT = 6;

type Box = Pick<Detection, 'category_id' | 'bbox' | 'name'> & { score?: number };

/** An image with boxes drawn over it in its own pixel coordinates. */
function BoxedImage({ url, result, boxes, names, label }: { url: string | undefined; result: PredictionResult; boxes: readonly Box[]; names: ReadonlyMap<number, string>; label: string }) {
  const { width: w, height: h } = result;
  const font = Math.max(8, Math.round(Math.min(w, h) / 12));
  return (
    <figure>
      {url && <img src={url} alt={`${result.fileName}: ${label}`} />}
      <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-hidden="true">
        {boxes.map((d, i) => {
          const color = BOX_COLORS[d.category_id % BOX_COLORS.length];
          const [x, y, bw, bh] = d.bbox;
          const text = `${d.name ?? names.get(d.category_id) ?? d.category_id}${d.score !== undefined ? ` ${(d.score * 100).toFixed(0)}%` : ''}`;
          return (
            <g key={i}>
              <rect x={x} y={y} width={bw} height={bh} fill="none" stroke={color} strokeWidth={2} vectorEffect="non-scaling-stroke" />
              <text x={x + 1} y={Math.max(font, y - 2)} fill={color} fontSize={font} fontWeight={650} paintOrder="stroke" stroke="rgba(255,255,255,0.85)" strokeWidth={font / 5}>
                {text}
              </text>
            </g>
          );
        })}
      </svg>
      <span className="figure-label">{label}</span>
    </figure>
  );
}

function PredictionCard({ result, url, names, threshold }: { result: PredictionResult; url: string | undefined; names: ReadonlyMap<number, string>; threshold: number }) {
  const shown = result.detections.filter((d) => d.score >= threshold);
  const gt = result.groundTruth;
  return (
    <div className={`predict-card${gt ? ' paired' : ''}`} data-testid="prediction">
      <div className="predict-figures">
        <BoxedImage url={url} result={result} boxes={shown} names={names} label="predicted" />
        {gt && <BoxedImage url={url} result={result} boxes={gt} names={names} label="ground truth" />}
      </div>
      <div className="predict-caption">
        <span className="mono" title={result.fileName}>
          {result.fileName}
        </span>
        <span>
          {shown.length} {shown.length === 1 ? 'box' : 'boxes'}
          {gt ? ` · ${gt.length} true` : ''}
        </span>
      </div>
    </div>
  );
}

/** Object URLs for the images shown: the files the user dropped, or the bytes the worker sent back. */
function useImageUrls(results: readonly PredictionResult[], files: readonly File[]): Map<string, string> {
  const urls = useMemo(() => {
    const byName = new Map(files.map((f) => [f.name, f as Blob]));
    return new Map(results.map((r) => [r.fileName, r.image ?? byName.get(r.fileName)]).filter((e): e is [string, Blob] => !!e[1]).map(([n, b]) => [n, URL.createObjectURL(b)]));
  }, [results, files]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  return urls;
}

/** The model on validation images (boxes beside the ground truth) or on any images dropped here. */
export function PredictionsPanel() {
  const { send, nextRequestId } = useWorkerCommands();
  const predictions = useStudio((s) => s.predictions);
  const predictStatus = useStudio((s) => s.predictStatus);
  const predictError = useStudio((s) => s.predictError);
  const hasModel = useStudio((s) => s.runId !== null && s.runStatus !== 'idle' && s.runStatus !== 'starting');
  const workerReady = useStudio((s) => s.workerStatus === 'ready');
  const requestPredict = useStudio((s) => s.requestPredict);
  const train = useStudio(selectTrainDataset);
  const val = useStudio(selectValDataset);
  const [threshold, setThreshold] = useState(0.3);
  const [files, setFiles] = useState<File[]>([]);
  const urls = useImageUrls(predictions, files);
  const names = useMemo(() => new Map([...(train.summary?.categories ?? []), ...(val.summary?.categories ?? [])].map((c) => [c.id, c.name])), [train.summary, val.summary]);
  const busy = predictStatus === 'running';

  // Every query comes back (threshold 0): the slider filters here, without running the model again.
  const predictFiles = (chosen: File[]) => {
    setFiles(chosen);
    requestPredict();
    send({ type: 'predict', requestId: nextRequestId(), images: chosen, threshold: 0 });
  };
  const predictValidation = () => {
    setFiles([]);
    requestPredict();
    send({ type: 'predictValidation', requestId: nextRequestId(), count: VALIDATION_COUNT, threshold: 0 });
  };

  return (
    <Panel
      id="predictions"
      title="Predictions"
      subtitle={busy ? 'Running…' : predictions.length > 0 ? `${predictions.length} images` : undefined}
      actions={
        <label className="predict-bar">
          Score ≥
          <input type="range" min={0.05} max={0.95} step={0.05} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} aria-label="Score threshold" data-testid="score-threshold" />
          <span className="mono">{threshold.toFixed(2)}</span>
        </label>
      }
    >
      <div className="predict-actions">
        <button type="button" className="btn" data-testid="predict-validation" disabled={!workerReady || !hasModel || busy} onClick={predictValidation} title={hasModel ? 'Run the current model on the first validation images' : 'Train (or resume a run) first'}>
          <Icon name="refresh" size={14} /> {val.status === 'ready' ? 'Validation images' : 'Training images'}
        </button>
        <FileDrop testId="predict-input" icon="target" compact multiple accept="image/*" title="Detect objects in your images" subtitle={hasModel ? 'Choose or drop images' : 'Train or resume a run first'} disabled={!workerReady || !hasModel || busy} onFiles={predictFiles} />
      </div>
      {predictError && (
        <Callout kind="danger">
          <p>{predictError}</p>
        </Callout>
      )}
      {predictions.length > 0 ? (
        <div className="predict-grid">
          {predictions.map((r) => (
            <PredictionCard key={r.fileName} result={r} url={urls.get(r.fileName)} names={names} threshold={threshold} />
          ))}
        </div>
      ) : (
        <EmptyState icon="target" title="No predictions yet">
          Predicted boxes with class and score, beside the ground truth on validation images.
        </EmptyState>
      )}
    </Panel>
  );
}
