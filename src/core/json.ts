/** Guards for values parsed from JSON or YAML, or received over a message boundary, before they are trusted. */

/** A plain object (not null, not an array): something whose keys can be read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
