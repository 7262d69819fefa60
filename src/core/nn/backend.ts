/**
 * Chooses the TensorFlow.js backend once per process: native tfjs-node when it loads, otherwise
 * WebAssembly, otherwise plain JavaScript ("cpu").
 *
 * tfjs and the wasm backend are static imports so esbuild bundles them; tfjs-node is an optional
 * dependency whose install downloads libtensorflow (it fails offline), so it is only ever reached
 * through a computed `require` inside try/catch that esbuild leaves alone.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { errorMessage, MlError } from '../types';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendOptions {
  /** Folder holding tfjs-backend-wasm*.wasm (the build copies them to dist/wasm/). */
  readonly wasmDir?: string;
}

export interface BackendInfo {
  /** tfjs's name of the backend that runs: 'tensorflow', 'wasm' or 'cpu'. */
  readonly name: string;
  /** Why this backend was chosen, including why better ones were not. */
  readonly reason: string;
  readonly tfjsVersion: string;
}

const WASM_FILE = 'tfjs-backend-wasm.wasm';
const PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

let chosen: Promise<BackendInfo> | undefined;
let chosenPreference: BackendPreference | undefined;
let active: BackendInfo | undefined;

/** Chooses and initialises the backend; later calls return the first choice (one per process). */
export function initBackend(preference: BackendPreference = 'auto', options: BackendOptions = {}): Promise<BackendInfo> {
  if (!PREFERENCES.includes(preference)) {
    return Promise.reject(new MlError(`tfjsBackend: unknown backend '${String(preference)}', expected one of ${PREFERENCES.join(', ')}`));
  }
  if (chosen && chosenPreference !== preference && preference !== 'auto') {
    // A second, different explicit request cannot be honoured: tensors already live on the first.
    return chosen.then((info) => {
      if (info.name === preference) return info;
      throw new MlError(`tfjsBackend: '${info.name}' was already chosen for this process (${info.reason}); cannot switch to '${preference}'`);
    });
  }
  if (!chosen) {
    chosenPreference = preference;
    chosen = choose(preference, options).then((info) => {
      active = info;
      return info;
    });
    // A failed explicit choice must not stick: let the caller retry with another preference.
    chosen.catch(() => {
      chosen = undefined;
      chosenPreference = undefined;
    });
  }
  return chosen;
}

/** The backend chosen by initBackend, or undefined before it resolved. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}

async function choose(preference: BackendPreference, options: BackendOptions): Promise<BackendInfo> {
  const notes: string[] = [];
  if (preference === 'auto' || preference === 'tensorflow') {
    const failure = await tryTensorflow();
    if (failure === undefined) return info('tensorflow', notes, 'native TensorFlow loaded through @tensorflow/tfjs-node');
    if (preference === 'tensorflow') throw new MlError(`tfjsBackend 'tensorflow' is unavailable: ${failure}`);
    notes.push(failure);
  }
  if (preference === 'auto' || preference === 'wasm') {
    const failure = await tryWasm(options.wasmDir);
    if (failure === undefined) return info('wasm', notes, 'WebAssembly backend');
    if (preference === 'wasm') throw new MlError(`tfjsBackend 'wasm' is unavailable: ${failure}`);
    notes.push(failure);
  }
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new MlError('tfjsBackend: even the cpu backend failed to initialise');
  await tf.ready();
  return info('cpu', notes, preference === 'cpu' ? 'cpu backend requested' : 'plain JavaScript backend (slowest)');
}

function info(name: string, notes: string[], why: string): BackendInfo {
  return { name, reason: [...notes, why].join('; '), tfjsVersion: tf.version.tfjs };
}

/** Returns undefined when tfjs-node registered its backend, otherwise why not. */
async function tryTensorflow(): Promise<string | undefined> {
  try {
    // Computed module name: bundlers must not try to include the native addon.
    const moduleName = ['@tensorflow', 'tfjs-node'].join('/');
    nodeRequire()(moduleName);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `tfjs-node not installed: ${message}`;
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return 'tfjs-node loaded but its tensorflow backend failed to initialise';
    await tf.ready();
    return undefined;
  } catch (error) {
    return `tfjs-node failed to initialise: ${errorMessage(error)}`;
  }
}

async function tryWasm(wasmDir: string | undefined): Promise<string | undefined> {
  const dir = wasmDir ?? defaultWasmDir();
  if (dir === undefined) return `wasm files not found (no wasmDir given and ${WASM_FILE} is not resolvable)`;
  if (!existsSync(path.join(dir, WASM_FILE))) return `wasm files not found: ${path.join(dir, WASM_FILE)} does not exist`;
  try {
    // setWasmPaths takes a URL-like prefix: it must end with a separator.
    setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
    if (!(await tf.setBackend('wasm'))) return 'wasm backend failed to initialise';
    await tf.ready();
    return undefined;
  } catch (error) {
    return `wasm backend failed to initialise: ${errorMessage(error)}`;
  }
}

/** dist/wasm next to the bundle in a build, node_modules in development. */
function defaultWasmDir(): string | undefined {
  const bundled = typeof __dirname === 'string' ? path.join(__dirname, 'wasm') : undefined;
  if (bundled !== undefined && existsSync(path.join(bundled, WASM_FILE))) return bundled;
  try {
    return path.dirname(nodeRequire().resolve(`@tensorflow/tfjs-backend-wasm/dist/${WASM_FILE}`));
  } catch {
    return undefined;
  }
}

function nodeRequire(): NodeRequire {
  if (typeof require !== 'function') throw new Error('require is not available in this module format');
  return require;
}
