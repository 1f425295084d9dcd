import { describe, expect, it } from 'vitest';
import { RunLoop, type LoopEnd } from './run_loop';

/** A stand-in for the engine's session: counts steps; the loop under test is the real one. */
function counter(maxIter: number, failAt = -1) {
  return {
    iter: 0,
    maxIter,
    async runStep() {
      if (this.iter === failAt) throw new Error(`step ${failAt} failed`);
      this.iter++;
    },
  };
}

function recorder() {
  const log: string[] = [];
  let end: { it: number; reason: LoopEnd; error?: unknown } | undefined;
  return {
    log,
    get end() {
      return end;
    },
    listener: {
      paused: (it: number) => log.push(`paused@${it}`),
      resumed: (it: number) => log.push(`resumed@${it}`),
      ended: (it: number, reason: LoopEnd, error?: unknown) => {
        log.push(`ended@${it}:${reason}`);
        end = { it, reason, error };
      },
    },
  };
}

describe('RunLoop', () => {
  it('runs to maxIter and reports finished', async () => {
    const s = counter(5);
    const r = recorder();
    await new RunLoop(s, r.listener).run();
    expect(s.iter).toBe(5);
    expect(r.log).toEqual(['ended@5:finished']);
  });

  it('pauses between iterations, resumes, then stops on request', async () => {
    const s = counter(1000);
    const r = recorder();
    const loop = new RunLoop(s, r.listener);
    const done = loop.run();
    await new Promise((res) => setTimeout(res, 5));
    loop.pause();
    await new Promise((res) => setTimeout(res, 5));
    expect(loop.isPaused).toBe(true);
    const pausedAt = s.iter;
    await new Promise((res) => setTimeout(res, 20));
    expect(s.iter).toBe(pausedAt); // no step while paused
    loop.resume();
    await new Promise((res) => setTimeout(res, 5));
    loop.stop();
    await done;
    expect(r.log[0]).toBe(`paused@${pausedAt}`);
    expect(r.log[1]).toBe(`resumed@${pausedAt}`);
    expect(r.end?.reason).toBe('requested');
    expect(s.iter).toBeGreaterThan(pausedAt);
    expect(s.iter).toBeLessThan(1000);
  });

  it('stops while paused without resuming', async () => {
    const s = counter(1000);
    const r = recorder();
    const loop = new RunLoop(s, r.listener);
    loop.pause();
    const done = loop.run();
    await new Promise((res) => setTimeout(res, 5));
    loop.stop();
    await done;
    expect(r.log).toEqual(['paused@0', 'ended@0:requested']);
  });

  it('reports a failing step with its error', async () => {
    const s = counter(10, 3);
    const r = recorder();
    await new RunLoop(s, r.listener).run();
    expect(r.end?.reason).toBe('failed');
    expect(r.end?.it).toBe(3);
    expect((r.end?.error as Error).message).toBe('step 3 failed');
  });
});
