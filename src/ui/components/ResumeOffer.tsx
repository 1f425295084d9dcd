import { useStudio } from '../store';
import { selectConfig, selectResumable } from '../store/selectors';
import { useWorkerCommands } from '../hooks/useTrainingWorker';
import { Callout } from './Callout';
import { Icon } from './Icon';

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 90) return 'just now';
  if (s < 90 * 60) return `${Math.round(s / 60)} minutes ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} hours ago`;
  return new Date(ms).toLocaleDateString();
}

/**
 * "Resume <run> from iteration k": the newest stored run that stopped before its end (the page
 * was closed, or it was paused or stopped). It continues exactly: same weights, AdamW moments,
 * schedule and data order, from its latest checkpoint.
 */
export function ResumeOffer({ disabled }: { disabled: boolean }) {
  const run = useStudio(selectResumable);
  const config = useStudio(selectConfig);
  const requestStart = useStudio((s) => s.requestStart);
  const { send } = useWorkerCommands();
  if (!run) return null;
  const resume = () => {
    requestStart();
    send({ type: 'start', config, resumeFrom: run.id });
  };
  return (
    <Callout
      kind="info"
      testId="resume-offer"
      action={
        <button type="button" className="btn small primary" data-testid="train-resume-run" disabled={disabled} onClick={resume}>
          <Icon name="play" size={12} filled /> Resume
        </button>
      }
    >
      <p>
        Resume <strong>{run.name}</strong> from iteration {run.iteration} of {run.maxIter}
        <span className="muted"> · saved {ago(run.checkpoints.at(-1)?.savedAt ?? run.updatedAt)}</span>
      </p>
    </Callout>
  );
}
