/**
 * tfjs backend selection in Node: `wasm` (default; fast XNNPACK kernels, with the filter-gradient
 * kernel it lacks added here), `cpu` (plain JS, slow but the reference), or `webgpu` through the
 * `webgpu` npm package (Dawn). On a machine without a GPU, Dawn runs on SwiftShader when
 * VK_ICD_FILENAMES points at its ICD (Debian's chromium ships /usr/lib/chromium/vk_swiftshader_icd.json).
 */
import * as tf from '@tensorflow/tfjs-core';
// The umbrella package registers every op's gradient (and the cpu backend) as a side effect.
import '@tensorflow/tfjs';
import { registerConvFilterGradient } from '../../ops/kernels/conv2d_backprop_filter';

export const NODE_BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;
export type NodeBackendName = (typeof NODE_BACKENDS)[number];

export interface BackendInfo {
  name: string;
  adapter?: string;
}

async function initWebgpu(): Promise<string> {
  const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const gpu = create([]);
    if (g.navigator) Object.assign(g.navigator, { gpu });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  const gpu = (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu;
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new Error(
      'webgpu: no GPU adapter found. On a machine without a GPU set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (apt-get install chromium) to use SwiftShader.',
    );
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  const info = (adapter as unknown as { info?: { description?: string; vendor?: string; architecture?: string } }).info;
  return [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
}

/** Initialises and selects a backend; throws with one clear sentence when it cannot. */
export async function initNodeBackend(name: NodeBackendName = 'wasm'): Promise<BackendInfo> {
  if (!(NODE_BACKENDS as readonly string[]).includes(name)) {
    throw new Error(`unknown backend "${name}" (choose one of ${NODE_BACKENDS.join(', ')})`);
  }
  let adapter: string | undefined;
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerConvFilterGradient('wasm');
  } else if (name === 'webgpu') {
    adapter = await initWebgpu();
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend "${name}" failed to initialise`);
  await tf.ready();
  return { name: tf.getBackend(), adapter };
}
