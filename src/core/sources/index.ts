/** Data import from databases, files over HTTP(S) and paginated JSON APIs, with provenance sidecars. */
export { importData, refreshImport, specFromSidecar } from './import';
export { dataSourceOf, readSidecar, sidecarPath, type DataSource, type Sidecar } from './sidecar';
export { buildSpec, defaultFileName, redactUrl, redactedHeaders, sourceKind, urlHasSecret } from './spec';
export { listTables, previewImport, type ImportPreview } from './preview';
export { ImportError, type ImportResult, type ImportSpec, type SourceColumn, type SourceOptions, type SourceRecord } from './types';
