import { CONFIG_KEYS } from '../../config/config';
import { CONFIG_PRESETS, matchingPreset } from '../config_presets';
import { useStudio } from '../store';
import { selectConfig, selectConfigIssue, selectConfigText, selectIsRunActive, selectNumClassesSuggestion } from '../store/selectors';
import { Callout } from './Callout';
import { ConfigEditor } from './ConfigEditor';
import { Panel } from './Panel';
import { WeightsPicker } from './WeightsPicker';

export function ConfigPanel() {
  const text = useStudio(selectConfigText);
  const config = useStudio(selectConfig);
  const issue = useStudio(selectConfigIssue);
  const suggestion = useStudio(selectNumClassesSuggestion);
  const locked = useStudio(selectIsRunActive);
  const setConfigText = useStudio((s) => s.setConfigText);
  const applyPreset = useStudio((s) => s.applyPreset);
  const setConfigKey = useStudio((s) => s.setConfigKey);
  const preset = issue ? undefined : matchingPreset(config);

  return (
    <Panel id="config" title="Model & config" subtitle={preset ? preset.label : 'Custom'}>
      <div className="seg" role="group" aria-label="Config presets">
        {CONFIG_PRESETS.map((p) => (
          <button key={p.id} type="button" aria-pressed={preset?.id === p.id} title={p.description} disabled={locked} onClick={() => applyPreset(p.id)}>
            {p.label}
          </button>
        ))}
      </div>
      <p className="preset-desc">{preset ? preset.description : 'Custom config: edit any key below.'}</p>
      {suggestion !== undefined && (
        <Callout
          kind="info"
          action={
            <button type="button" className="btn small" disabled={locked} onClick={() => setConfigKey('num_classes', suggestion)}>
              Use {suggestion}
            </button>
          }
        >
          <p>
            The dataset needs <code>num_classes</code> {suggestion} (max category id + 1); the config says {config.num_classes}.
          </p>
        </Callout>
      )}
      <ConfigEditor text={text} issue={issue} keyCount={CONFIG_KEYS.length} disabled={locked} onChange={setConfigText} />
      <p className="section-label">Initial weights</p>
      <WeightsPicker disabled={locked} />
    </Panel>
  );
}
