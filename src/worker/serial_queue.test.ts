import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial_queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SerialQueue', () => {
  it('never overlaps two jobs and keeps their order', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const job = (name: string, ms: number) => () =>
      (async () => {
        log.push(`${name}:start`);
        await sleep(ms);
        log.push(`${name}:end`);
        return name;
      })();
    const results = await Promise.all([q.run(job('a', 20)), q.run(job('b', 1)), q.run(job('c', 5))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('goes on after a failing job, which rejects for its caller only', async () => {
    const q = new SerialQueue();
    const failing = q.run(async () => {
      throw new Error('boom');
    });
    const next = q.run(async () => 7);
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe(7);
  });
});
