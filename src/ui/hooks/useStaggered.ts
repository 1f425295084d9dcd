/**
 * Staggered updates: each component using this hook takes its new value in its own task, one
 * component at a time, in request order. The charts use it so that a redraw of eight charts is
 * eight short tasks, not one long one, whatever the machine.
 *
 * A recharts chart keeps working after its commit: its store batches notifications to the next
 * animation frame (RTK's autoBatchEnhancer 'raf'), where it re-renders. So the next component goes
 * only once the current one has settled: three frames and at least MIN_SETTLE_MS after its commit
 * (or MAX_SETTLE_MS when frames do not come, in a hidden tab), so two charts never share a frame's work.
 */
import { startTransition, useEffect, useRef, useState } from 'react';

type Token = object;

const pending = new Map<Token, () => void>();
let running: Token | null = null;
let settling = false;
let watchdog: ReturnType<typeof setTimeout> | undefined;
/** If a component never commits the value it was given (unmounted, equal value), move on anyway. */
const WATCHDOG_MS = 1000;
const MIN_SETTLE_MS = 60;
const MAX_SETTLE_MS = 250;

/** Calls `fn` after `frames` animation frames (the first one after the current task). */
function afterFrames(frames: number, fn: () => void): void {
  requestAnimationFrame(() => (frames > 1 ? afterFrames(frames - 1, fn) : fn()));
}

function pump(): void {
  if (running !== null || settling) return;
  const next = pending.entries().next();
  if (next.done) return;
  const [token, apply] = next.value;
  pending.delete(token);
  running = token;
  watchdog = setTimeout(() => release(token), WATCHDOG_MS);
  apply();
}

function release(token: Token): void {
  if (running !== token) return;
  clearTimeout(watchdog);
  running = null;
  settling = true;
  // The next component renders in a later task, after this one's frame work and a paint.
  const t0 = performance.now();
  let done = false;
  const next = () => {
    if (done) return;
    done = true;
    clearTimeout(fallback);
    settling = false;
    setTimeout(pump, Math.max(0, MIN_SETTLE_MS - (performance.now() - t0)));
  };
  const fallback = setTimeout(next, MAX_SETTLE_MS);
  afterFrames(3, next);
}

export function useStaggered<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const token = useRef<Token>({});

  useEffect(() => {
    const t = token.current;
    if (Object.is(value, shown)) return;
    pending.set(t, () => startTransition(() => setShown(value)));
    pump();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new value queues an update
  }, [value]);

  // Committed: let the next component go.
  useEffect(() => release(token.current), [shown]);

  useEffect(() => {
    const t = token.current;
    return () => {
      pending.delete(t);
      release(t);
    };
  }, []);

  return shown;
}
