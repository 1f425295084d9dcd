/**
 * tfjs backend selection in the browser (runs inside the training worker).
 *
 * Preference: `webgpu` -> `webgl` -> `wasm` -> `cpu`. Each entry of BACKEND_PREPARERS readies one
 * backend (imports its package, checks the platform) and throws a BackendUnavailable with one
 * sentence when it cannot run here; `initBrowserBackend` then asks tfjs to select it. Nothing here
 * creates a tensor before `tf.setBackend` has resolved.
 *
 * The wasm binaries are served by Vite from this origin (`?url` imports): tfjs's default is a CDN,
 * and the page must never request another host.
 */
import * as tf from '@tensorflow/tfjs-core';
// The umbrella package registers every op's gradient and the webgl + cpu backends (side effects).
import '@tensorflow/tfjs';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerConvFilterGradient } from '../../ops/kernels/conv2d_backprop_filter';

export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BrowserBackendName = (typeof BROWSER_BACKENDS)[number];

export interface BrowserBackendInfo {
  /** The backend tfjs runs on (`tf.getBackend()`). */
  backend: BrowserBackendName;
  /** The WebGPU adapter ("vendor architecture description"), when WebGPU is in use. */
  adapter?: string;
  /** One sentence saying why WebGPU was not used; absent when it is. */
  fallbackReason?: string;
}

/** A backend cannot run here; `message` is one sentence a user can act on. */
class BackendUnavailable extends Error {}

interface Prepared {
  adapter?: string;
}

type AdapterInfoLike = { vendor?: string; architecture?: string; description?: string; device?: string };

function describeAdapter(info: AdapterInfoLike | undefined): string {
  const parts = [info?.vendor, info?.architecture, info?.description || info?.device].filter((s) => s && s.length > 0);
  return parts.length > 0 ? parts.join(' · ') : 'unnamed adapter';
}

async function prepareWebgpu(): Promise<Prepared> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new BackendUnavailable('this browser does not offer it (navigator.gpu is missing; Chrome or Edge 113+ have it)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new BackendUnavailable('the browser found no GPU adapter for it (the GPU may be blocklisted, or hardware acceleration turned off)');
  const legacy = adapter as unknown as { requestAdapterInfo?: () => Promise<AdapterInfoLike> };
  const info: AdapterInfoLike | undefined = 'info' in adapter ? adapter.info : await legacy.requestAdapterInfo?.();
  await import('@tensorflow/tfjs-backend-webgpu');
  return { adapter: describeAdapter(info) };
}

async function prepareWebgl(): Promise<Prepared> {
  // Inside a worker, WebGL needs OffscreenCanvas with a webgl2 context.
  if (typeof OffscreenCanvas === 'undefined') throw new BackendUnavailable('OffscreenCanvas is missing, so WebGL cannot run in the training worker');
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) throw new BackendUnavailable('WebGL2 is not available in the training worker');
  return {};
}

async function prepareWasm(): Promise<Prepared> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
  // tfjs-backend-wasm has no Conv2DBackpropFilter: add ours so it can train.
  registerConvFilterGradient('wasm');
  return {};
}

async function prepareCpu(): Promise<Prepared> {
  return {};
}

/** How to ready each backend, in order of preference. */
const BACKEND_PREPARERS: Readonly<Record<BrowserBackendName, () => Promise<Prepared>>> = Object.freeze({
  webgpu: prepareWebgpu,
  webgl: prepareWebgl,
  wasm: prepareWasm,
  cpu: prepareCpu,
});

function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\.\s*$/, '');
}

async function trySelect(name: BrowserBackendName): Promise<Prepared> {
  const prepared = await BACKEND_PREPARERS[name]();
  const ok = await tf.setBackend(name);
  if (!ok) throw new BackendUnavailable(`tfjs could not initialise the ${name} backend`);
  await tf.ready();
  return prepared;
}

/**
 * Initialises the first backend that works, starting at `preferred` (default: the whole
 * preference list from `webgpu`). Throws one sentence listing every reason when none works.
 */
export async function initBrowserBackend(preferred?: BrowserBackendName): Promise<BrowserBackendInfo> {
  if (preferred !== undefined && !(BROWSER_BACKENDS as readonly string[]).includes(preferred)) {
    throw new Error(`unknown backend "${preferred}" (choose one of ${BROWSER_BACKENDS.join(', ')})`);
  }
  const order = preferred ? BROWSER_BACKENDS.slice(BROWSER_BACKENDS.indexOf(preferred)) : BROWSER_BACKENDS;
  const reasons: string[] = [];
  if (preferred && preferred !== 'webgpu') reasons.push(`the ${preferred} backend was chosen`);
  for (const name of order) {
    try {
      const { adapter } = await trySelect(name);
      const info: BrowserBackendInfo = { backend: name };
      if (adapter) info.adapter = adapter;
      if (name !== 'webgpu') info.fallbackReason = `WebGPU is not in use: ${reasons[0] ?? 'it failed to start'}; training runs on ${name}.`;
      return info;
    } catch (e) {
      reasons.push(e instanceof BackendUnavailable ? reasonOf(e) : `${name} failed to start (${reasonOf(e)})`);
    }
  }
  throw new Error(`no tfjs backend could start here: ${reasons.join('; ')}.`);
}
