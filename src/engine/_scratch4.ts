import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { train } from './commands';
import { CallbackHook } from './hooks/callback_hook';
import { SyntheticLoader, syntheticSamples } from '../testing/synthetic_data';
import { tinyTrainConfig, WALL_CLOCK } from '../testing/engine_setup';

await initNodeBackend((process.argv[2] ?? 'wasm') as 'wasm');
const cfg = tinyTrainConfig({ dropout: 0.1, augment: true });
const loader = new SyntheticLoader(syntheticSamples(4, 64, 64), cfg.batch_size, cfg.augment);
const hist = new Map<string, number>();
let on = false;
const b = tf.backend() as any;
for (const m of ['read', 'readSync']) {
  const orig = b[m];
  b[m] = function (this: unknown, id: object) {
    if (on) {
      const st = (new Error().stack ?? '').split('\n').slice(2, 9).map((l) => l.trim().replace(/\(.*node_modules\//, '(').slice(0, 90)).join(' < ');
      hist.set(m + ': ' + st, (hist.get(m + ': ' + st) ?? 0) + 1);
    }
    return orig.call(this, id);
  };
}
const r = await train({ config: cfg, loader, clock: WALL_CLOCK, writers: [], maxIter: 3, extraHooks: [new CallbackHook('p', { beforeStep: (c) => { on = c.iter === 2; } })] });
for (const [k, v] of [...hist].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(v, k);
r.session.dispose();
