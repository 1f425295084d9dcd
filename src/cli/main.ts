/**
 * `detr-studio <command>`: argv -> one command module (one file per CONTRACT command).
 * The only place that prints errors and sets the exit status: every failure is one line on stderr
 * (DETR_STUDIO_DEBUG=1 adds the stack trace).
 */
import { HelpRequested, UsageError } from './args';

export interface CliCommand {
  summary: string;
  run(argv: string[]): Promise<void>;
}

/** Command name -> lazy module, so `inspect` never loads tfjs and errors in one command stay there. */
const COMMANDS: Record<string, () => Promise<{ command: CliCommand }>> = {
  predict: () => import('./predict'),
  loss: () => import('./loss'),
  train: () => import('./train'),
  eval: () => import('./eval'),
  inspect: () => import('./inspect'),
  convert: () => import('./convert'),
  'export-job': () => import('./export_job'),
};

async function help(): Promise<string> {
  const lines = ['usage: detr-studio <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    try {
      lines.push(`  ${name.padEnd(11)} ${(await load()).command.summary}`);
    } catch {
      // A command whose module is absent is simply not listed.
    }
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`detr-studio: unknown command "${name}"\n${await help()}`);
    return 2;
  }
  let command: CliCommand;
  try {
    command = (await load()).command;
  } catch (e) {
    console.error(`detr-studio ${name}: this command is not available in this build (${(e as Error).message})`);
    return 2;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof HelpRequested) {
      console.log(e.message);
      return 0;
    }
    const err = e as Error;
    if (process.env.DETR_STUDIO_DEBUG) console.error(err.stack);
    const msg = (err?.message ?? String(e)).trim();
    console.error(`detr-studio ${name}: ${msg}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

const code = await main(process.argv.slice(2));
// Flush stdout (a pipe writes asynchronously), then exit: a GPU device or wasm worker would otherwise
// keep the process alive.
await new Promise<void>((done) => process.stdout.write('', () => done()));
process.exit(code);
