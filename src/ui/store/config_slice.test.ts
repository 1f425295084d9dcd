import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../config/config';
import { CONFIG_PRESETS, configToText, matchingPreset, presetConfig } from '../config_presets';
import { configActions, initialConfigSlice, lineOfKey, type ConfigSlice } from './config_slice';

const apply = (s: ConfigSlice, patch: Partial<ConfigSlice>): ConfigSlice => ({ ...s, ...patch });

describe('config slice', () => {
  it('starts valid, on the Tiny preset', () => {
    const s = initialConfigSlice();
    expect(s.configIssue).toBeNull();
    expect(s.config.backbone).toBe('resnet18');
    expect(matchingPreset(s.config)?.id).toBe('tiny');
  });

  it('names an unknown key and its line, keeping the last valid config', () => {
    const s0 = initialConfigSlice();
    const text = s0.configText.replace('"nheads"', '"n_heads"');
    const s1 = apply(s0, configActions.setConfigText(s0, text));
    expect(s1.configIssue?.key).toBe('n_heads');
    expect(s1.configIssue?.message).toContain('unknown config key "n_heads"');
    expect(s1.configIssue?.line).toBe(text.split('\n').findIndex((l) => l.includes('"n_heads"')) + 1);
    expect(s1.config).toEqual(s0.config);
    expect(s1.configText).toBe(text);
  });

  it('names a key with a wrong type', () => {
    const s0 = initialConfigSlice();
    const s1 = apply(s0, configActions.setConfigText(s0, '{"lr": "fast"}'));
    expect(s1.configIssue).toEqual({ key: 'lr', message: 'config key "lr": expected a finite number, got the string "fast"', line: 1 });
  });

  it('reports invalid JSON with no key', () => {
    const s0 = initialConfigSlice();
    const s1 = apply(s0, configActions.setConfigText(s0, '{\n  "lr": 1e-4,\n}'));
    expect(s1.configIssue?.key).toBe('');
    expect(s1.configIssue?.message).toMatch(/not valid JSON/);
  });

  it('presets set their official values and keep num_classes', () => {
    let s = initialConfigSlice();
    s = apply(s, configActions.setConfigKey(s, 'num_classes', 7));
    expect(s.config.num_classes).toBe(7);
    s = apply(s, configActions.applyPreset(s, 'detr-r50-dc5'));
    expect(s.config).toEqual({ ...DEFAULTS, dilation: true, num_classes: 7 });
    expect(JSON.parse(s.configText).dilation).toBe(true);
    s = apply(s, configActions.applyPreset(s, 'detr-r101'));
    expect(s.config.backbone).toBe('resnet101');
    expect(s.config.hidden_dim).toBe(256);
    expect(matchingPreset(s.config)?.id).toBe('detr-r101');
  });

  it('every preset is a valid config whose text round-trips', () => {
    for (const p of CONFIG_PRESETS) {
      const cfg = presetConfig(p);
      const s = configActions.setConfigText(initialConfigSlice(), configToText(cfg));
      expect(s.configIssue).toBeNull();
      expect(s.config).toEqual(cfg);
    }
  });

  it('finds the line of a key', () => {
    expect(lineOfKey('{\n  "a": 1,\n  "b": 2\n}', 'b')).toBe(3);
    expect(lineOfKey('{"a": 1}', 'zz')).toBeUndefined();
  });
});
