/**
 * A small argv parser for the CONTRACT's command lines: `--name value`, `--name v1 v2 ...` (lists),
 * and boolean `--flag`s. Unknown options are errors that name the option.
 */

export interface OptionSpec {
  /** 'string' takes one value, 'list' takes one or more, 'flag' takes none. */
  kind: 'string' | 'list' | 'flag';
  required?: boolean;
}

export type ParsedArgs = Record<string, string | string[] | boolean | undefined>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` / `-h` anywhere: the command's usage goes to stdout and the exit status is 0. */
export class HelpRequested extends Error {
  constructor(usage: string) {
    super(`usage: ${usage}`);
    this.name = 'HelpRequested';
  }
}

export function parseArgs(argv: string[], spec: Record<string, OptionSpec>, usage: string): ParsedArgs {
  if (argv.some((a) => a === '--help' || a === '-h')) throw new HelpRequested(usage);
  const out: ParsedArgs = {};
  let i = 0;
  while (i < argv.length) {
    const tok = argv[i];
    if (!tok.startsWith('--')) throw new UsageError(`unexpected argument "${tok}"\nusage: ${usage}`);
    const eq = tok.indexOf('=');
    const name = tok.slice(2, eq > 0 ? eq : undefined);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}\nusage: ${usage}`);
    i++;
    if (s.kind === 'flag') {
      out[name] = true;
      continue;
    }
    const values: string[] = [];
    if (eq > 0) values.push(tok.slice(eq + 1));
    while (i < argv.length && !argv[i].startsWith('--') && (s.kind === 'list' || values.length === 0)) values.push(argv[i++]);
    if (values.length === 0) throw new UsageError(`option --${name} needs a value\nusage: ${usage}`);
    out[name] = s.kind === 'list' ? [...((out[name] as string[]) ?? []), ...values] : values[0];
  }
  for (const [name, s] of Object.entries(spec)) {
    if (s.required && out[name] === undefined) throw new UsageError(`missing --${name}\nusage: ${usage}`);
  }
  return out;
}

/** A numeric option, checked. */
export function numberArg(args: ParsedArgs, name: string, fallback: number, integer = false): number {
  const v = args[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} expects ${integer ? 'an integer' : 'a number'}, got "${String(v)}"`);
  }
  return n;
}
