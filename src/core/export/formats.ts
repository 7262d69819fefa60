/**
 * The formats of `mlwb export --format F` and of "Export Model…": one entry per format, so the
 * command line, the extension and the docs name the same ones.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PipelineJSON } from '../prepare/pipeline';
import { makeDirectory } from '../runs/atomic';
import { MlError } from '../types';
import { exportContainer, type ContainerOptions } from './container';
import { checkExportable, exportRun, type ExportResult } from './index';
import { exportOnnx } from './onnx';
import { sklearnScript } from './sklearnScript';

export const EXPORT_FORMATS = ['folder', 'onnx', 'container', 'sklearn'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What each format writes, in a few words (the CLI's help and the extension's picker). */
export const EXPORT_FORMAT_DESCRIPTIONS: Readonly<Record<ExportFormat, string>> = {
  folder: 'a folder that `mlwb serve DIR` serves anywhere, with a README and train_sklearn.py',
  onnx: 'model.onnx: the preparation steps and the model as one ONNX graph, for any ONNX runtime',
  container: 'a container build context: Dockerfile, the service in one file, the model, k8s.yaml',
  sklearn: 'train_sklearn.py only: the same preparation and model in scikit-learn',
};

export interface ExportOptions extends ContainerOptions {
  /** Default 'folder'. */
  readonly format?: ExportFormat;
}

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** Exports a completed run in the format asked for into `outDir` (new or empty). */
export function exportModel(runDir: string, outDir: string, options: ExportOptions = {}): ExportResult & { format: ExportFormat } {
  const format = options.format ?? 'folder';
  if (!isExportFormat(format)) throw new MlError(`format: unknown export format '${String(format)}', expected one of ${EXPORT_FORMATS.join(', ')}`);
  switch (format) {
    case 'folder':
      return { ...exportRun(runDir, outDir), format };
    case 'onnx':
      return { ...exportOnnx(runDir, outDir), format };
    case 'container':
      return { ...exportContainer(runDir, outDir, options), format };
    case 'sklearn':
      return { ...exportSklearn(runDir, outDir), format };
  }
}

/** Writes only train_sklearn.py: the run's preparation and model in scikit-learn. */
export function exportSklearn(runDir: string, outDir: string): ExportResult {
  const { from, to, record } = checkExportable(runDir, outDir);
  const pipeline = JSON.parse(readFileSync(path.join(from, 'pipeline.json'), 'utf8')) as PipelineJSON | { type: 'text_column' };
  makeDirectory(to);
  writeFileSync(path.join(to, 'train_sklearn.py'), sklearnScript(record, pipeline.type === 'pipeline' ? pipeline : undefined), { mode: 0o755 });
  return { outDir: to, files: ['train_sklearn.py'] };
}
