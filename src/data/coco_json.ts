/**
 * Reading the annotations file as Python's `json.load` does (pycocotools' COCO(annotation_file)):
 * UTF-8, NaN / Infinity / -Infinity accepted (Python writes them; JSON.parse refuses them), and a
 * refusal that says what is wrong: an empty file, invalid JSON (with line and column), or JSON that is
 * not a COCO object (saying what it is instead).
 */
import { DatasetError } from './errors';

/** The non-standard tokens Python's json module reads; they become these strings, then non-numbers. */
export const NON_FINITE_TOKENS: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** Parses annotations JSON text; `source` names the file in messages. */
export function readJsonText(text: string, source: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    throw new DatasetError(`${source}: the file is empty (expected a COCO annotations JSON object)`);
  }
  try {
    return JSON.parse(text);
  } catch (first) {
    const quoted = quoteNonFinite(text);
    if (quoted !== null) {
      try {
        return JSON.parse(quoted);
      } catch {
        // Report the error of the original text below.
      }
    }
    throw new DatasetError(`${source}: not valid JSON (${describeJsonError(text, first as Error)})`);
  }
}

/**
 * Replaces bare NaN / Infinity / -Infinity (outside strings) by quoted strings so JSON.parse accepts
 * the text; returns null when there are none.
 */
function quoteNonFinite(text: string): string | null {
  const out: string[] = [];
  let last = 0;
  let found = false;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    for (const token of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(token, i)) {
        out.push(text.slice(last, i), `"${token}"`);
        i += token.length - 1;
        last = i + 1;
        found = true;
        break;
      }
    }
  }
  if (!found) return null;
  out.push(text.slice(last));
  return out.join('');
}

function describeJsonError(text: string, err: Error): string {
  const found = locateJsonError(text);
  if (!found) return err.message;
  const before = text.slice(0, found.pos);
  const line = before.split('\n').length;
  const column = found.pos - before.lastIndexOf('\n');
  return `${found.reason} at line ${line}, column ${column}`;
}

/**
 * The first syntax error of JSON text (Python's extra NaN/Infinity tokens allowed), as a position and
 * a reason: V8's own messages do not always give a position.
 */
export function locateJsonError(t: string): { pos: number; reason: string } | null {
  let i = 0;
  const ws = () => {
    while (i < t.length && ' \t\n\r'.includes(t[i])) i++;
  };
  const fail = (reason: string): never => {
    throw { pos: i, reason };
  };
  const found = () => (i >= t.length ? 'the end of the file' : JSON.stringify(t[i]));
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (t[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (t[i] !== '"') fail(`expected a "quoted" key, found ${found()}`);
          string();
          ws();
          if (t[i] !== ':') fail(`expected ':' after a key, found ${found()}`);
          i++;
        }
        value();
        ws();
        if (t[i] === ',') i++;
        else if (t[i] === close) return void i++;
        else fail(`expected ',' or '${close}', found ${found()}`);
      }
    }
    if (c === '"') return string();
    const m = /^(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|NaN|-?Infinity)/.exec(t.slice(i, i + 400));
    if (!m) fail(`unexpected ${found()}`);
    i += m![0].length;
  };
  const string = () => {
    i++;
    while (i < t.length && t[i] !== '"') {
      if (t[i] === '\\') i++;
      else if (t.charCodeAt(i) < 0x20) fail('a control character inside a string');
      i++;
    }
    if (i >= t.length) fail('an unterminated string');
    i++;
  };
  try {
    value();
    ws();
    if (i < t.length) fail(`unexpected ${found()} after the JSON value`);
    return null;
  } catch (e) {
    if (e && typeof e === 'object' && 'pos' in e) return e as { pos: number; reason: string };
    throw e;
  }
}

/** What a JSON value is, in words, for "expected a COCO object, got ...". */
export function describeJsonValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    const first = v[0] as Record<string, unknown> | undefined;
    if (first && typeof first === 'object' && 'bbox' in first && 'score' in first) {
      return `an array of ${v.length} detections (a COCO results file, not a dataset)`;
    }
    return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v as object);
    if (keys.length === 0) return 'an empty object';
    if ('hidden_dim' in (v as object) || 'backbone' in (v as object)) return 'a DETR config (it has "backbone"/"hidden_dim")';
    const shown = keys.slice(0, 8).map((k) => `"${k}"`).join(', ');
    return `an object with keys ${shown}${keys.length > 8 ? `, ... (${keys.length} keys)` : ''}`;
  }
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Number from a JSON value, accepting the quoted non-finite tokens; null when not numeric. */
export function jsonNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v in NON_FINITE_TOKENS) return NON_FINITE_TOKENS[v];
  return null;
}
