/**
 * Neural-network models on TensorFlow.js.
 *
 * Call `await initBackend(setting)` once per process (worker, CLI, serve) before building or
 * loading a model; `mlwb`'s `mlWorkbench.tfjsBackend` setting maps onto its preference.
 * - `mlp`: MlpClassifier / MlpRegressor take matrices like every other model (fit(X, y, options)).
 * - `transformer`: TransformerClassifier takes the raw text column instead: fit(texts, labels,
 *   options), predict(texts) — see transformer.ts for how the experiment runner feeds it.
 */
export { activeBackend, initBackend, type BackendInfo, type BackendOptions, type BackendPreference } from './backend';
export { MlpClassifier, MlpRegressor, MLP_SPEC, resolveMlpParams, type MlpParams } from './mlp';
export { TransformerClassifier, TRANSFORMER_SPEC, resolveTransformerParams, type TransformerParams } from './transformer';
