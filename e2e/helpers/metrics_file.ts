/**
 * Writes a metrics.jsonl shaped like a DETR run's (the keys SetCriterion and the trainer log, five
 * auxiliary decoder layers, a step LR drop), for chart tests. The values are a deterministic
 * synthetic curve: decaying losses with seeded noise and a few spikes.
 */
import { writeFileSync } from 'node:fs';

export function writeMetricsJsonl(path: string, iterations: number): void {
  let seed = 12345;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const r = (v: number) => Number(v.toPrecision(5));
  const lines: string[] = new Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t = i / iterations;
    const decay = Math.exp(-4 * t);
    const spike = rand() < 0.0005 ? 3 : 1;
    const ce = (0.25 + 1.6 * decay) * (1 + 0.25 * (rand() - 0.5)) * spike;
    const bbox = (0.04 + 0.5 * decay) * (1 + 0.3 * (rand() - 0.5));
    const giou = (0.12 + 0.9 * decay) * (1 + 0.2 * (rand() - 0.5));
    const rec: Record<string, number> = {
      iteration: i,
      epoch: Math.floor(i / 500),
      lr: t < 2 / 3 ? 1e-4 : 1e-5,
      loss_ce: r(ce),
      loss_bbox: r(5 * bbox),
      loss_giou: r(2 * giou),
    };
    let total = ce + 5 * bbox + 2 * giou;
    for (let l = 0; l < 5; l++) {
      const f = 1 + 0.08 * (5 - l);
      rec[`loss_ce_${l}`] = r(ce * f);
      rec[`loss_bbox_${l}`] = r(5 * bbox * f);
      rec[`loss_giou_${l}`] = r(2 * giou * f);
      total += (ce + 5 * bbox + 2 * giou) * f;
    }
    rec.total_loss = r(total);
    rec.class_error = r(Math.max(0, 100 * decay * (1 + 0.4 * (rand() - 0.5))));
    rec.cardinality_error = r(Math.max(0, 8 * decay + 2 * rand()));
    rec.time = r(0.2 + 0.05 * rand());
    rec.data_time = r(0.01 * rand());
    lines[i] = JSON.stringify(rec);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}
