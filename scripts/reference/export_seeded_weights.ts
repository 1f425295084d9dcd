/**
 * Writes the inputs of the official-DETR reference runs for src/model/configs.test.ts: for each case of
 * src/testing/reference_cases.ts, OUT/<name>/ gets
 *   config.json          the config as the user wrote it (missing keys take the defaults)
 *   case.json            name, seed, weights sha256, the predict image order, compact_aux
 *   weights.safetensors  buildModel(cfg, seed) + the data-dependent init (src/testing/seeded_weights.ts),
 *                        official names and layouts; the same bytes on every run
 *   data/                the case's COCO dataset (annotations.json + PNG/JPEG images)
 * Then scripts/reference/make_config_references.py runs the official model on them.
 *
 *   node bin/run-ts.js scripts/reference/export_seeded_weights.ts --out /tmp/refcfg [NAME...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REFERENCE_CASES, caseDataset, findCase } from '../../src/testing/reference_cases';
import { seededWeights } from '../../src/testing/seeded_weights';
import { initNodeBackend } from '../../src/platform/node/backend';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
if (outAt < 0 || !args[outAt + 1]) {
  console.error('usage: export_seeded_weights.ts --out DIR [CASE_NAME...]');
  process.exit(2);
}
const out = resolve(args[outAt + 1]);
const names = args.filter((_, i) => i !== outAt && i !== outAt + 1);
const cases = names.length ? names.map(findCase) : REFERENCE_CASES;

await initNodeBackend('wasm');
for (const c of cases) {
  const t0 = Date.now();
  const dir = join(out, c.name);
  mkdirSync(join(dir, 'data'), { recursive: true });
  const w = await seededWeights(c.config, c.seed);
  w.model.dispose();
  writeFileSync(join(dir, 'weights.safetensors'), w.bytes);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(c.config, null, 1) + '\n');
  writeFileSync(join(dir, 'case.json'), JSON.stringify({ name: c.name, seed: c.seed, weights_sha256: w.sha256, predict: c.predict, compact_aux: c.compactAux ?? false }, null, 1) + '\n');
  for (const [name, bytes] of caseDataset(c)) writeFileSync(join(dir, 'data', name), bytes);
  console.log(`${dir}: ${w.weights.size} tensors, sha256 ${w.sha256} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
