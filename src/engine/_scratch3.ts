import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { train } from './commands';
import { CallbackHook } from './hooks/callback_hook';
import { SyntheticLoader, syntheticSamples } from '../testing/synthetic_data';
import { tinyTrainConfig, WALL_CLOCK } from '../testing/engine_setup';

await initNodeBackend((process.argv[2] ?? 'wasm') as 'wasm');
const cfg = tinyTrainConfig({ dropout: 0.1, augment: true });
const loader = new SyntheticLoader(syntheticSamples(4, 64, 64), cfg.batch_size, cfg.augment);
const start = tf.memory().numTensors;
const counts: number[] = [];
const r = await train({ config: cfg, loader, clock: WALL_CLOCK, writers: [], maxIter: 8, extraHooks: [new CallbackHook('count', { afterStep: () => { counts.push(tf.memory().numTensors); } })] });
console.log('start', start, 'counts', counts.join(' '));
r.session.dispose();
console.log('after dispose', tf.memory().numTensors);
