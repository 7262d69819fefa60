/**
 * A tf.io handler that saves and loads the tfjs layers format (model.json + weights.bin) with
 * node:fs, so models persist without tfjs-node's file:// handler.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorMessage, MlError } from '../types';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** Handler for `model.save(fileHandler(dir))` and `tf.loadLayersModel(fileHandler(dir))`. */
export function fileHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const topology = artifacts.modelTopology;
      if (topology === undefined || topology instanceof ArrayBuffer) throw new MlError('saveTo: only JSON model topologies are supported');
      mkdirSync(dir, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: topology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      // Temp file + rename so a crash never leaves a half-written model behind.
      writeAtomic(path.join(dir, WEIGHTS_FILE), Buffer.from(weights));
      writeAtomic(path.join(dir, MODEL_FILE), Buffer.from(JSON.stringify(modelJson)));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = path.join(dir, MODEL_FILE);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(readFileSync(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (error) {
        throw new MlError(`cannot read ${jsonPath}: ${errorMessage(error)}`);
      }
      if (modelJson.modelTopology === undefined) throw new MlError(`${jsonPath}: no modelTopology (not a tfjs layers model)`);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: Buffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const file of group.paths) buffers.push(readFileSync(path.join(dir, file)));
        }
        const all = Buffer.concat(buffers);
        const data = new ArrayBuffer(all.byteLength);
        new Uint8Array(data).set(all);
        return [specs, data];
      });
    },
  };
}

function writeAtomic(file: string, content: Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, file);
}
