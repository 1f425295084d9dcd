/**
 * Records every request a browser context makes (page, workers, service worker), so a test can
 * assert that the studio never talks to another host.
 */
import type { BrowserContext } from '@playwright/test';

export interface RequestLog {
  urls: string[];
  /** The requests whose host is not one of `hosts` (data:/blob: URLs are local and allowed). */
  foreign(hosts?: readonly string[]): string[];
}

export function recordRequests(context: BrowserContext): RequestLog {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  return {
    urls,
    foreign(hosts = ['127.0.0.1']) {
      return urls.filter((u) => {
        const url = new URL(u);
        if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
        return !hosts.includes(url.hostname);
      });
    },
  };
}
