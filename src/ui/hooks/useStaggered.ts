/**
 * Staggered updates: each component using this hook takes its new value in its own task, one
 * component at a time, in request order. The charts use it so that a redraw of eight charts is
 * eight short tasks, not one long one, whatever the machine.
 */
import { startTransition, useEffect, useRef, useState } from 'react';

type Token = object;

const pending = new Map<Token, () => void>();
let running: Token | null = null;
let watchdog: ReturnType<typeof setTimeout> | undefined;
/** If a component never commits the value it was given (unmounted, equal value), move on anyway. */
const WATCHDOG_MS = 1000;

function pump(): void {
  if (running !== null) return;
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
  // The next component renders in a later task, after the browser had a chance to paint and handle input.
  setTimeout(pump, 0);
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
