import { useEffect, useMemo, useState } from 'react';
import type { PredictionResult } from '../../worker/protocol';
import { useStudio } from '../store';
import { selectTrainDataset } from '../store/selectors';
import { useWorkerCommands } from '../hooks/useTrainingWorker';
import { Callout } from './Callout';
import { EmptyState } from './EmptyState';
import { FileDrop } from './FileDrop';
import { Panel } from './Panel';

const BOX_COLORS = ['#e15759', '#4e79a7', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7'];

function PredictionCard({ result, url, names }: { result: PredictionResult; url: string | undefined; names: ReadonlyMap<number, string> }) {
  return (
    <div className="predict-card">
      <figure>
        {url && <img src={url} alt={result.fileName} />}
        <svg viewBox={`0 0 ${result.width} ${result.height}`} preserveAspectRatio="none" aria-hidden="true">
          {result.detections.map((d, i) => {
            const color = BOX_COLORS[d.category_id % BOX_COLORS.length];
            const [x, y, w, h] = d.bbox;
            return (
              <g key={i}>
                <rect x={x} y={y} width={w} height={h} fill="none" stroke={color} strokeWidth={Math.max(1.5, result.width / 200)} vectorEffect="non-scaling-stroke" />
                <text x={x + 2} y={y + Math.max(10, result.height / 25)} fill={color} fontSize={Math.max(10, result.height / 25)} fontWeight={600}>
                  {names.get(d.category_id) ?? d.category_id} {(d.score * 100).toFixed(0)}%
                </text>
              </g>
            );
          })}
        </svg>
      </figure>
      <figcaption>
        <span className="mono">{result.fileName}</span>
        <span>{result.detections.length} boxes</span>
      </figcaption>
    </div>
  );
}

/** Run the model on chosen images and draw its detections over them. */
export function PredictionsPanel() {
  const { send, nextRequestId } = useWorkerCommands();
  const predictions = useStudio((s) => s.predictions);
  const predictStatus = useStudio((s) => s.predictStatus);
  const predictError = useStudio((s) => s.predictError);
  const hasModel = useStudio((s) => s.runStatus !== 'idle' || s.weights.status === 'loaded');
  const workerReady = useStudio((s) => s.workerStatus === 'ready');
  const requestPredict = useStudio((s) => s.requestPredict);
  const train = useStudio(selectTrainDataset);
  const [threshold, setThreshold] = useState(0.5);
  const [images, setImages] = useState<File[]>([]);
  const urls = useMemo(() => new Map(images.map((f) => [f.name, URL.createObjectURL(f)])), [images]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  const names = useMemo(() => new Map((train.summary?.categories ?? []).map((c) => [c.id, c.name])), [train.summary]);

  const predict = (files: File[]) => {
    setImages(files);
    requestPredict();
    send({ type: 'predict', requestId: nextRequestId(), images: files, threshold });
  };

  return (
    <Panel
      id="predictions"
      title="Predictions"
      subtitle={predictStatus === 'running' ? 'Running…' : predictions.length > 0 ? `${predictions.length} images` : undefined}
      actions={
        <label className="predict-bar">
          Score ≥
          <input type="range" min={0.05} max={0.95} step={0.05} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} aria-label="Score threshold" />
          <span className="mono">{threshold.toFixed(2)}</span>
        </label>
      }
    >
      <FileDrop testId="predict-input" icon="target" compact multiple accept="image/*" title="Detect objects in images" subtitle={hasModel ? 'Choose images to run the current model on' : 'Train or load weights first'} disabled={!workerReady || !hasModel} onFiles={predict} />
      {predictError && (
        <Callout kind="danger">
          <p>{predictError}</p>
        </Callout>
      )}
      {predictions.length > 0 ? (
        <div className="predict-grid">
          {predictions.map((r) => (
            <PredictionCard key={r.fileName} result={r} url={urls.get(r.fileName)} names={names} />
          ))}
        </div>
      ) : (
        <EmptyState icon="target" title="No predictions yet">
          Boxes with class and score appear here, drawn over your images.
        </EmptyState>
      )}
    </Panel>
  );
}
