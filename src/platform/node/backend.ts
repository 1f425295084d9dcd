/**
 * tfjs backend selection in Node: `wasm` (default; fast XNNPACK kernels, with the filter-gradient
 * kernel it lacks added here), `cpu` (plain JS, slow but the reference), or `webgpu` through the
 * `webgpu` npm package (Dawn). On a machine without a GPU adapter, Dawn falls back to SwiftShader's
 * software Vulkan when Debian's chromium package provides it (or wherever VK_ICD_FILENAMES points).
 */
import { existsSync } from 'node:fs';
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

/** Debian's chromium package ships SwiftShader's Vulkan driver: a software GPU for machines without one. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

async function requestAdapter(): Promise<{ gpu: GPU; adapter: GPUAdapter | null }> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]) as GPU;
  return { gpu, adapter: await gpu.requestAdapter() };
}

let webgpuReady: Promise<string> | undefined;

/** Creates Dawn's instance once per process (a second instance beside tfjs's device crashes Dawn). */
function initWebgpu(): Promise<string> {
  webgpuReady ??= startWebgpu();
  return webgpuReady;
}

async function startWebgpu(): Promise<string> {
  let { gpu, adapter } = await requestAdapter();
  if (!adapter && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    // No hardware adapter: the Vulkan loader reads VK_ICD_FILENAMES when the next Dawn instance starts.
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    ({ gpu, adapter } = await requestAdapter());
  }
  if (!adapter) {
    throw new Error(
      `webgpu: no GPU adapter found (no Vulkan driver; on a machine without a GPU install Debian's chromium for SwiftShader at ${SWIFTSHADER_ICD}, or use --backend wasm)`,
    );
  }
  const nav = (globalThis as unknown as { navigator?: Record<string, unknown> }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
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
