// Types of platforms.mjs for the TypeScript tests that use it.
export interface TargetSpec {
  readonly duckdb: string;
  /** onnxruntime-node's binary folder under bin/napi-v6/ (`linux/x64`), or undefined where it publishes none. */
  readonly onnxruntime: string | undefined;
  readonly format: 'elf' | 'macho' | 'pe';
  readonly machine: number;
  readonly library: string;
}
export type Target = 'linux-x64' | 'linux-arm64' | 'darwin-x64' | 'darwin-arm64' | 'win32-x64' | 'win32-arm64';
export const TARGETS: Readonly<Record<Target, TargetSpec>>;
export const SIZE_BUDGET_MB: Readonly<Record<Target, number>>;
export function hostTarget(): Target | undefined;
export function duckdbBindingsVersion(root: string): string;
export function duckdbBindingFolder(root: string, target: Target): string;
export function copyDuckdbModules(root: string, destination: string, target: Target): void;
export function copyOnnxRuntime(root: string, destination: string, target: Target): void;
export function nativeFormat(bytes: Buffer): { format: 'elf' | 'macho' | 'pe'; machines: number[] } | undefined;
export function readHeader(file: string): Buffer;
