import type { BackendChoice } from '../store/run_slice';
import { useStudio } from '../store';
import { useBackendView } from '../hooks/useRunView';
import { Callout } from './Callout';
import { Icon } from './Icon';

const CHOICES: readonly { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'Auto (WebGPU first)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'WebAssembly' },
  { value: 'cpu', label: 'CPU (slow)' },
];

/** Which tfjs backend the worker runs (`backend-name`), on which adapter, and why not WebGPU. */
export function BackendLine({ locked }: { locked: boolean }) {
  const { workerStatus, backend, backendChoice } = useBackendView();
  const setBackendChoice = useStudio((s) => s.setBackendChoice);
  return (
    <>
      <div className="device">
        <Icon name="cpu" size={16} />
        <span>Backend</span>
        <span className={`device-name${backend && backend.backend !== 'webgpu' ? ' fallback' : ''}`} data-testid="backend-name">
          {backend ? backend.backend : workerStatus === 'failed' ? 'none' : '…'}
        </span>
        <span className="device-adapter" title={backend?.adapter}>
          {backend?.adapter ?? (workerStatus === 'connecting' ? 'starting the worker' : '')}
        </span>
        <select className="select" style={{ marginLeft: 'auto' }} aria-label="tfjs backend" value={backendChoice} disabled={locked} onChange={(e) => setBackendChoice(e.target.value as BackendChoice)}>
          {CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      {backend?.fallbackReason && (
        <Callout kind="warn">
          <p>{backend.fallbackReason}</p>
        </Callout>
      )}
    </>
  );
}
