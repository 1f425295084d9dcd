import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { train } from './commands';
import { CommonMetricPrinter } from './writers';
import { SyntheticLoader, syntheticSamples } from '../testing/synthetic_data';
import { tinyTrainConfig, WALL_CLOCK } from '../testing/engine_setup';

await initNodeBackend('wasm');
const cfg = tinyTrainConfig(JSON.parse(process.argv[3] ?? '{}'));
const loader = new SyntheticLoader(syntheticSamples(Number(process.argv[4] ?? 2), 64, 64), cfg.batch_size, cfg.augment);
const r = await train({ config: cfg, loader, clock: WALL_CLOCK, writers: [new CommonMetricPrinter(console.log)], maxIter: Number(process.argv[2] ?? 10), writePeriod: 5, log: console.log });
r.session.dispose();
console.log(tf.memory().numTensors);
