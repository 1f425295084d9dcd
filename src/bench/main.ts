export {};

/**
 * `npm run bench`: every benchmark, each printing its figures as ratios against a reference measured
 * in the same run (PyTorch, scipy, pycocotools), or as a split of where the time goes.
 * `npm run bench -- matcher weights` runs only the named ones.
 */
type Bench = { name: string; what: string; run: () => Promise<void> };

const BENCHES: Bench[] = [
  { name: 'weights', what: 'DETR-R50 .pth load vs torch.load', run: async () => (await import('./weights_load')).benchWeightsLoad() },
  { name: 'matcher', what: 'Hungarian matcher vs scipy linear_sum_assignment', run: async () => (await import('./matcher')).benchMatcher() },
  { name: 'train_step', what: 'a tiny-config training step per backend, split by phase, readbacks counted', run: async () => (await import('./train_step')).benchTrainStep() },
  { name: 'coco_eval', what: 'COCO box evaluation vs pycocotools (5,000 images x 100 detections)', run: async () => (await import('./coco_eval')).benchCocoEval() },
  { name: 'dataset_import', what: 'importing 250 and 1,000 JPEGs (~150 KB each) through dataset-input in headless Chromium: MB/s and peak JS heap', run: async () => (await import('./dataset_import')).benchDatasetImport() },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')} (have: ${BENCHES.map((b) => b.name).join(', ')})`);
  process.exit(2);
}
let failed = 0;
for (const b of BENCHES.filter((x) => !wanted.length || wanted.includes(x.name))) {
  console.log(`\n== ${b.name}: ${b.what}`);
  const t0 = performance.now();
  try {
    await b.run();
  } catch (e) {
    failed++;
    console.log(`   ${b.name} failed: ${(e as Error).message}`);
  }
  console.log(`   (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
process.exit(failed ? 1 : 0);
