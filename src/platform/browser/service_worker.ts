/// <reference lib="webworker" />
/**
 * The offline service worker (built to /sw.js by tools/vite_service_worker.ts, production only).
 *
 * Install caches the whole built app (the list is injected at build time: HTML, JS, CSS, the
 * worker, the tfjs wasm binaries). Navigations go to the network first so a new version shows up
 * when online, and fall back to the cached page offline; hashed assets are served from the cache.
 * Only same-origin GETs are touched; the page never requests another host.
 */
export {};

declare const self: ServiceWorkerGlobalScope;
/** Replaced at build time. */
declare const __PRECACHE__: { version: string; files: string[] };

const MANIFEST = __PRECACHE__;
const CACHE = `detr-studio-${MANIFEST.version}`;
const scopeUrl = (path: string) => new URL(path, self.registration.scope).href;
const INDEX = scopeUrl('index.html');

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(MANIFEST.files.map(scopeUrl)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('detr-studio-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function fromNetworkThenCache(request: Request): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(INDEX, response.clone());
    }
    return response;
  } catch {
    const cached = await caches.match(INDEX);
    if (cached) return cached;
    throw new Error('offline and the page is not cached yet');
  }
}

async function fromCacheThenNetwork(request: Request): Promise<Response> {
  // ignoreVary: the server may send `Vary: Origin`, and module scripts are fetched in cors mode.
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(request.mode === 'navigate' ? fromNetworkThenCache(request) : fromCacheThenNetwork(request));
});
