/**
 * Warnings for a model that reads raw text (transformer) after a TF-IDF text step: such a model
 * tokenizes the column itself, so the step only names the column and its TF-IDF settings do nothing.
 * No vscode import: unit tested on experiment text.
 */
import { isRecord } from '../../core/json';
import { MODEL_TYPES, modelInputKind } from '../../core/models/specs';
import { parseText } from './columns';
import type { TextRange } from './columns';

export interface TextModelWarning extends TextRange {
  readonly path: string;
  readonly message: string;
}

/** TF-IDF settings of a `text` step (the ones a raw-text model does not use). */
const TFIDF_KEYS = ['method', 'ngram_range', 'max_features', 'min_df', 'max_df', 'sublinear_tf', 'smooth_idf', 'use_idf', 'norm', 'stop_words', 'lowercase'];

/** One warning per TF-IDF text step before a raw-text model, on the step's line. */
export function textModelWarnings(text: string): TextModelWarning[] {
  const parsed = parseText(text);
  if (!parsed) return [];
  const value: unknown = parsed.document.toJS();
  if (!isRecord(value) || !isRecord(value.model) || typeof value.model.type !== 'string') return [];
  const type = value.model.type;
  if (!(MODEL_TYPES as readonly string[]).includes(type) || modelInputKind(type) !== 'text' || !Array.isArray(value.prepare)) return [];
  const warnings: TextModelWarning[] = [];
  value.prepare.forEach((step: unknown, i) => {
    if (!isRecord(step) || !isRecord(step.text)) return;
    const settings = Object.keys(step.text).filter((key) => TFIDF_KEYS.includes(key));
    // `text: { column }` alone is how a raw-text model is told its column: only settings warn.
    if (settings.length === 0) return;
    const column = typeof step.text.column === 'string' ? step.text.column : undefined;
    const keep = column ? `text: { column: ${column} }` : 'text: { column: <the text column> }';
    const path = `prepare[${i}].text`;
    warnings.push({
      path,
      message: `${path}: model.type ${type} reads the raw text and tokenizes it itself, after no TF-IDF: this step only names the column, and its TF-IDF settings (${settings.join(', ')}) are not used. Keep ${keep}, or pick a model of the TF-IDF features (e.g. logistic_regression, linear_svm)`,
      ...parsed.locate(path),
    });
  });
  return warnings;
}
