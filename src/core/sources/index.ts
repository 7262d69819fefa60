/** Data import from databases, files over HTTP(S) and paginated JSON APIs, with provenance sidecars. */
export { importData, refreshImport, readSidecar, sidecarPath, specFromSidecar, type Sidecar } from './import';
export { buildSpec, defaultFileName, redactUrl, redactedHeaders, sourceKind, urlHasSecret } from './spec';
export { listPostgresTables } from './postgres';
export { ImportError, type ImportResult, type ImportSpec, type SourceColumn, type SourceOptions, type SourceRecord } from './types';
