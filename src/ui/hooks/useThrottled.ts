/**
 * A value that follows `value` at most once per `ms` (the latest one always lands). The update is
 * a transition, so React renders what depends on it in time slices, yielding to input between
 * components instead of blocking the main thread for one long task.
 */
import { startTransition, useEffect, useRef, useState } from 'react';

export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - performance.now();
    const land = () => {
      last.current = performance.now();
      startTransition(() => setShown(value));
    };
    if (wait <= 0) {
      land();
      return;
    }
    const t = setTimeout(land, wait);
    return () => clearTimeout(t);
  }, [value, ms]);
  return shown;
}
