import { useStudio } from '../store';
import { selectWeights } from '../store/selectors';
import { useImports } from '../hooks/useImports';
import { plural } from '../format';
import { Callout } from './Callout';
import { FileDrop } from './FileDrop';

/** Initial weights: an official DETR .pth, a .safetensors, or a torchvision ResNet backbone. */
export function WeightsPicker({ disabled }: { disabled?: boolean }) {
  const weights = useStudio(selectWeights);
  const { importWeights } = useImports();
  const title =
    weights.status === 'importing' ? `Reading ${weights.fileName}…` : weights.status === 'loaded' ? weights.fileName ?? 'Weights loaded' : 'Start from pretrained weights';
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
      {weights.status === 'loaded' && (weights.summary?.warnings.length ?? 0) > 0 && (
        <Callout kind="warn">
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
