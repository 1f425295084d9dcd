/**
 * Config slice: the editor's text, the last valid config parsed from it, and the error naming the
 * offending key (with its line) while the text is invalid. Pure actions.
 */
import { ConfigError, parseConfigText, type DetrConfig } from '../../config/config';
import { CONFIG_PRESETS, configToText, presetById, presetConfig } from '../config_presets';

export interface ConfigIssue {
  /** The offending config key ('' when the text is not a JSON object at all). */
  key: string;
  message: string;
  /** 1-based line of the key in the editor, when it can be found. */
  line?: number;
}

export interface ConfigSlice {
  configText: string;
  /** The last valid config (what `start` uses). */
  config: DetrConfig;
  configIssue: ConfigIssue | null;
}

const DEFAULT_PRESET = presetById('tiny') ?? CONFIG_PRESETS[0];

export function initialConfigSlice(): ConfigSlice {
  const config = presetConfig(DEFAULT_PRESET);
  return { configText: configToText(config), config, configIssue: null };
}

/** The 1-based line where `"key"` appears as an object key in `text`. */
export function lineOfKey(text: string, key: string): number | undefined {
  if (!key) return undefined;
  const at = text.search(new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`));
  if (at < 0) return undefined;
  return text.slice(0, at).split('\n').length;
}

function lineOfJsonError(text: string, message: string): number | undefined {
  const m = /line (\d+)/.exec(message) ?? null;
  if (m) return Number(m[1]);
  const pos = /position (\d+)/.exec(message);
  return pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
}

export const configActions = {
  /** The user typed: keep the text, re-validate, keep the last valid config when it fails. */
  setConfigText(_s: ConfigSlice, text: string): Partial<ConfigSlice> {
    try {
      return { configText: text, config: parseConfigText(text), configIssue: null };
    } catch (e) {
      const key = e instanceof ConfigError ? e.key : '';
      const message = e instanceof Error ? e.message : String(e);
      return { configText: text, configIssue: { key, message, line: key ? lineOfKey(text, key) : lineOfJsonError(text, message) } };
    }
  },

  /** Replace the editor with a preset, keeping the current num_classes (it follows the dataset). */
  applyPreset(s: ConfigSlice, presetId: string): Partial<ConfigSlice> {
    const preset = presetById(presetId);
    if (!preset) return {};
    const config = presetConfig(preset, s.config.num_classes);
    return { configText: configToText(config), config, configIssue: null };
  },

  /** Set one key in the editor's JSON (e.g. num_classes from the dataset); a no-op while the text is invalid JSON. */
  setConfigKey<K extends keyof DetrConfig>(s: ConfigSlice, key: K, value: DetrConfig[K]): Partial<ConfigSlice> {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(s.configText);
    } catch {
      return {};
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return {};
    obj[key] = value;
    return configActions.setConfigText(s, JSON.stringify(obj, null, 2) + '\n');
  },
};
