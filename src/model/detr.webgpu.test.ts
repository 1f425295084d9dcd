/**
 * The forward pass on tfjs's webgpu backend (Node + Dawn; SwiftShader where there is no GPU) equals
 * the official DETR within the same tolerance as on cpu/wasm.
 */
import { describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { hasTinyFixture, skipReason } from '../testing/paths';
import { loadTinyFixture } from '../testing/tiny_fixture';
import { expectClose, flat } from '../testing/expect_close';
import { buildModel } from './build';
import { loadStateDict } from './state_dict';

let webgpuError = '';
const available = await initNodeBackend('webgpu').then(
  () => true,
  (e: Error) => ((webgpuError = e.message), false),
);
const run = hasTinyFixture() && available ? describe : describe.skip;
if (!hasTinyFixture()) skipReason('webgpu parity test', 'no ../shared/fixtures');
else if (!available) skipReason('webgpu parity test', webgpuError);

run('DETR forward parity on webgpu', () => {
  it('pred_logits, pred_boxes and aux outputs match the official DETR', async () => {
    await initNodeBackend('webgpu');
    const fx = loadTinyFixture();
    const model = buildModel(fx.config);
    loadStateDict(model, fx.weights);
    const out = tf.tidy(() => model.call(fx.batch, { training: false }));
    const fw = fx.reference.forward;
    expectClose(await out.pred_logits.data(), flat(fw.pred_logits), 1e-3, 1e-4, 'pred_logits');
    expectClose(await out.pred_boxes.data(), flat(fw.pred_boxes), 1e-3, 1e-4, 'pred_boxes');
    expectClose(await out.aux_outputs[0].pred_logits.data(), flat(fw.aux_outputs[0].pred_logits), 1e-3, 1e-4, 'aux logits');
    expectClose(await out.aux_outputs[0].pred_boxes.data(), flat(fw.aux_outputs[0].pred_boxes), 1e-3, 1e-4, 'aux boxes');
    tf.dispose([out.pred_logits, out.pred_boxes, ...out.aux_outputs.flatMap((a) => [a.pred_logits, a.pred_boxes])]);
    model.dispose();
  });
});
