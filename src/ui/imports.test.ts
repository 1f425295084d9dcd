/**
 * The page's layering, checked by reading imports (STYLE: "write this rule down once"):
 * - src/ui reaches the engine only through the worker protocol: it may import src/worker/client,
 *   src/worker/protocol, src/config, its own files, and React / zustand / recharts; never tfjs, model,
 *   engine, data, weights, ops or platform code.
 * - src/worker/protocol.ts is types only and imports config types only.
 * - src/worker never imports the UI.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

/** Every module specifier a file imports (static, dynamic, type-only and side-effect imports). */
function importsOf(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push({ spec: m[3], typeOnly: !!m[2] });
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push({ spec: m[1], typeOnly: false });
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1], typeOnly: false });
  return out;
}

/** The src-relative path an import points at ('' for a package). */
function target(file: string, spec: string): string {
  return spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)) : '';
}

const UI_PACKAGES = /^(react|react-dom|react\/jsx-runtime|react-dom\/client|zustand(\/.*)?|recharts)$/;
const UI_MAY_REACH = /^(ui\/|worker\/client$|worker\/protocol$|config\/)/;

describe('layering', () => {
  it('src/ui imports only the worker client/protocol, config, React and zustand', () => {
    const bad: string[] = [];
    for (const file of sources(join(SRC, 'ui'))) {
      for (const { spec } of importsOf(file)) {
        const t = target(file, spec);
        const ok = t ? UI_MAY_REACH.test(t) : UI_PACKAGES.test(spec) || spec.endsWith('.css');
        if (!ok) bad.push(`${relative(SRC, file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('src/worker/protocol.ts is types only, importing config types only', () => {
    const file = join(SRC, 'worker', 'protocol.ts');
    for (const imp of importsOf(file)) {
      expect(imp.typeOnly, imp.spec).toBe(true);
      expect(target(file, imp.spec)).toMatch(/^config\//);
    }
    expect(readFileSync(file, 'utf8')).not.toMatch(/^export (const|function|class|let|var) /m);
  });

  it('src/worker never imports the UI', () => {
    const bad = sources(join(SRC, 'worker')).flatMap((file) => importsOf(file).filter(({ spec }) => target(file, spec).startsWith('ui/')).map(({ spec }) => `${relative(SRC, file)} imports ${spec}`));
    expect(bad).toEqual([]);
  });

  it('finds the imports it checks (the parser is not blind)', () => {
    const specs = importsOf(join(SRC, 'ui', 'hooks', 'useTrainingWorker.ts')).map((i) => i.spec);
    expect(specs).toContain('../../worker/client');
    expect(specs).toContain('react');
  });
});
