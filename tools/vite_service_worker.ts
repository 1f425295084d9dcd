/**
 * Vite plugin (build only): writes dist/sw.js from src/platform/browser/service_worker.ts, with
 * the list of every file the build wrote (so the first visit caches the whole app, the worker and
 * the wasm binaries included) and a version derived from their contents.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import type { Plugin } from 'vite';

const SOURCE = new URL('../src/platform/browser/service_worker.ts', import.meta.url);
const OUT_NAME = 'sw.js';

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

export function serviceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'detr-studio:service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      const paths = listFiles(outDir)
        .map((p) => relative(outDir, p).split(sep).join('/'))
        .filter((p) => p !== OUT_NAME && !p.endsWith('.map'))
        .sort();
      const hash = createHash('sha256');
      for (const p of paths) hash.update(p).update(readFileSync(join(outDir, p)));
      const manifest = { version: hash.digest('hex').slice(0, 12), files: ['./', ...paths] };
      const js = ts.transpileModule(readFileSync(SOURCE, 'utf8'), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: false },
      }).outputText;
      const code = `const __PRECACHE__ = ${JSON.stringify(manifest)};\n${js.replace(/^export \{\};\s*$/m, '')}`;
      writeFileSync(join(outDir, OUT_NAME), code);
    },
  };
}
