/**
 * Where tests find things outside the repo: the shared reference fixtures (../shared beside the
 * checkout in CI; DETR_SHARED overrides) and Debian's /usr/bin/python3 with torch for reference runs.
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.DETR_SHARED ?? resolve(REPO_ROOT, '../shared');
export const FIXTURES_DIR = resolve(SHARED_DIR, 'fixtures');
export const TINY_FIXTURE = resolve(FIXTURES_DIR, 'detr-tiny-r18-sine');
export const COMPARE_PY = resolve(FIXTURES_DIR, 'tools/compare.py');
export const SYSTEM_PYTHON = '/usr/bin/python3';

export function hasTinyFixture(): boolean {
  return existsSync(resolve(TINY_FIXTURE, 'reference.json'));
}

const pyCache = new Map<string, boolean>();
/** True when /usr/bin/python3 can import every module named (e.g. ['torch', 'scipy']). */
export function hasPython(modules: string[]): boolean {
  const key = modules.join(',');
  if (!pyCache.has(key)) {
    let ok = false;
    try {
      execFileSync(SYSTEM_PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ') || 'pass'], { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    }
    pyCache.set(key, ok);
  }
  return pyCache.get(key)!;
}

/** Logs once why a suite is skipped, so a skip is visible in CI output. */
export function skipReason(what: string, why: string): string {
  const msg = `skipping ${what}: ${why}`;
  console.warn(msg);
  return msg;
}
