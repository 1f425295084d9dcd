/**
 * Registers the offline service worker (production builds only: in development it would cache
 * stale modules) and reports whether the page can now work offline.
 */
import { useEffect, useState } from 'react';

export type OfflineStatus = 'unsupported' | 'installing' | 'ready' | 'failed' | 'dev';

export function useServiceWorker(): OfflineStatus {
  const [status, setStatus] = useState<OfflineStatus>(() => (!import.meta.env.PROD ? 'dev' : 'serviceWorker' in navigator ? 'installing' : 'unsupported'));
  useEffect(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    let live = true;
    navigator.serviceWorker
      .register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
      .then(() => navigator.serviceWorker.ready)
      .then(() => live && setStatus('ready'))
      .catch(() => live && setStatus('failed'));
    return () => {
      live = false;
    };
  }, []);
  return status;
}
