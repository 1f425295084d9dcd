import { useStudio } from '../store';
import { selectWeights } from '../store/selectors';
import { useImports } from '../hooks/useImports';
import { plural } from '../format';
import type { WeightsFit } from '../../worker/protocol';
import { Callout } from './Callout';
import { FileDrop } from './FileDrop';

const SHOWN = 4;

function names(xs: readonly string[]): string {
  return xs.slice(0, SHOWN).join(', ') + (xs.length > SHOWN ? ` and ${xs.length - SHOWN} more` : '');
}

/** What loading the file into the config's model does: loadStateDict's report, in words. */
function FitReport({ fit }: { fit: WeightsFit }) {
  if (fit.error) {
    return (
      <Callout kind="danger" testId="weights-fit">
        <p>Does not fit {fit.against}: {fit.error}</p>
      </Callout>
    );
  }
  return (
    <Callout kind={fit.reinitialized.length || fit.missing.length ? 'warn' : 'ok'} testId="weights-fit">
      <p>
        {plural(fit.loaded, 'tensor')} load into {fit.against}.
      </p>
      {(fit.reinitialized.length > 0 || fit.missing.length > 0) && (
        <ul>
          {fit.reinitialized.length > 0 && <li>Re-initialised for this num_classes: {names(fit.reinitialized)}.</li>}
          {fit.missing.length > 0 && <li>Not in the file, kept at their initialisation: {names(fit.missing)}.</li>}
        </ul>
      )}
    </Callout>
  );
}

/** Initial weights: an official DETR .pth, a .safetensors, or a torchvision ResNet backbone. */
export function WeightsPicker({ disabled }: { disabled?: boolean }) {
  const weights = useStudio(selectWeights);
  const { importWeights } = useImports();
  const title =
    weights.status === 'importing' ? `Reading ${weights.fileName}…` : weights.status === 'loaded' ? (weights.fileName ?? 'Weights loaded') : 'Start from pretrained weights';
  const subtitle =
    weights.status === 'loaded' && weights.summary
      ? `${weights.summary.kind} · ${plural(weights.summary.tensors, 'tensor')}`
      : 'Optional: DETR .pth / .safetensors, or a ResNet backbone';
  return (
    <>
      <FileDrop testId="weights-input" icon="weights" compact accept=".pth,.pt,.safetensors" title={title} subtitle={subtitle} disabled={disabled} onFiles={(files) => importWeights(files[0])} />
      {weights.status === 'failed' && weights.error && (
        <Callout kind="danger">
          <p>{weights.error}</p>
        </Callout>
      )}
      {weights.status === 'loaded' && weights.summary?.fit && <FitReport fit={weights.summary.fit} />}
      {weights.status === 'loaded' && (weights.summary?.warnings.length ?? 0) > 0 && (
        <Callout kind="info">
          <ul>
            {weights.summary!.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </Callout>
      )}
    </>
  );
}
