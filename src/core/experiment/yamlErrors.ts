/**
 * The yaml library's parse errors in plain words, with the line: "Nested mappings are not allowed in
 * compact mappings" says nothing to someone who has not read the YAML spec.
 */

/** What each error of the yaml library (its `code`, then a phrase of its message) means and how to fix it. */
const PLAIN: readonly { readonly code: string; readonly match?: RegExp; readonly text: string }[] = [
  {
    code: 'BLOCK_AS_IMPLICIT_KEY',
    match: /nested mappings/i,
    text: 'a key and its value are on one line where a nested block is expected — put the nested keys on their own lines, indented',
  },
  { code: 'BLOCK_AS_IMPLICIT_KEY', text: 'a list cannot be used as a key — put "key:" on its own line and the "- " items below it, indented' },
  { code: 'MISSING_CHAR', match: /implicit map keys need to be followed/i, text: 'a key has no ":" after it — write "key: value" (or "- item" in a list)' },
  { code: 'MISSING_CHAR', match: /closing "?'?quote|missing closing/i, text: 'a quoted text is not closed — add the closing quote' },
  {
    code: 'MISSING_CHAR',
    match: /missing , or :|missing , between/i,
    text: 'items inside { } or [ ] must be separated by commas, and keys and values by ": "',
  },
  { code: 'MISSING_CHAR', match: /missing space after :/i, text: 'a ":" inside { } must be followed by a space, as in { key: value }' },
  { code: 'MISSING_CHAR', match: /comments must be separated/i, text: 'a "#" comment must have a space before it' },
  { code: 'MISSING_CHAR', match: /sequence item without/i, text: 'a list item has no "- " in front of it' },
  { code: 'MISSING_CHAR', text: 'a character is missing here (a ":", a "," or a closing quote or bracket)' },
  {
    code: 'BAD_INDENT',
    match: /end with a [}\]]/i,
    text: 'a "{" or "[" is not closed — add the closing "}" or "]" on the same line, or indent its continuation',
  },
  {
    code: 'BAD_INDENT',
    match: /sequence items/i,
    text: 'the "- " items of one list must start in the same column — line them up under each other',
  },
  { code: 'BAD_INDENT', text: 'the indentation does not match the lines around it — keys of one block start in the same column, nested keys further right' },
  { code: 'TAB_AS_INDENT', text: 'a tab is used for indentation — YAML allows only spaces; replace the tab with spaces' },
  { code: 'DUPLICATE_KEY', text: 'the same key appears twice in one block — keep one of them' },
  {
    code: 'MULTILINE_IMPLICIT_KEY',
    text: 'a key runs over more than one line — usually a ":" is missing at the end of the line above, or a line is indented too far',
  },
  {
    code: 'UNEXPECTED_TOKEN',
    match: /unexpected , |unexpected empty item/i,
    text: 'an extra or misplaced "," inside { } or [ ] — remove it',
  },
  { code: 'UNEXPECTED_TOKEN', match: /flow-map-end|flow-seq-end|\}|\]/, text: 'a "}" or "]" without its opening "{" or "[" — check the brackets on this line' },
  { code: 'UNEXPECTED_TOKEN', text: 'something here does not belong — check the brackets, quotes and ":" on this line and the indentation of the line above' },
  {
    code: 'BAD_SCALAR_START',
    text: 'a value cannot start with this character unquoted — put the value in quotes, e.g. "@value" or "`value`"',
  },
  { code: 'BAD_DQ_ESCAPE', text: 'an unknown backslash escape inside double quotes — write \\\\ for a backslash, or use single quotes' },
  { code: 'BLOCK_IN_FLOW', text: 'a "- " list or an indented block is inside { } or [ ] — write it inline, e.g. [a, b], or move it out of the brackets' },
  { code: 'MULTIPLE_DOCS', text: 'the file holds more than one YAML document ("---" separates them) — an experiment file is one document' },
  { code: 'KEY_OVER_1024_CHARS', text: 'a key is longer than 1024 characters — usually a ":" is missing after a key' },
  { code: 'TAG_RESOLVE_FAILED', text: 'an unknown "!" tag — remove it (experiment files use plain values)' },
  { code: 'BAD_ALIAS', text: 'an "&" anchor or "*" alias is malformed — quote the value if "&" or "*" is meant literally' },
  { code: 'ALIAS_PROPS', text: 'an alias ("*name") cannot have an anchor or tag' },
  { code: 'MULTIPLE_ANCHORS', text: 'a value has more than one "&" anchor' },
  { code: 'MULTIPLE_TAGS', text: 'a value has more than one "!" tag' },
  { code: 'BAD_PROP_ORDER', text: 'an "&" anchor or "!" tag must come after the "- " or ":" it belongs to' },
  { code: 'BAD_DIRECTIVE', text: 'a "%" directive line is not understood — remove it' },
  { code: 'NON_STRING_KEY', text: 'a key is a list or a block — keys are plain names' },
  { code: 'BAD_COLLECTION_TYPE', text: 'a "!" tag does not fit the value it is on' },
  { code: 'RESOURCE_EXHAUSTION', text: 'the file expands to too much data (aliases repeating aliases)' },
  { code: 'IMPOSSIBLE', text: 'the file cannot be read as YAML here — check the indentation and brackets of this line' },
];

/** A plain description of a yaml parse error, with what to do about it; the library's own text when the code is unknown. */
export function plainYamlError(code: string, message: string): string {
  const entry = PLAIN.find((e) => e.code === code && (!e.match || e.match.test(message)));
  return entry ? entry.text : (message.split('\n')[0] ?? message);
}

/** The problem message of a yaml parse error on `line` (1-based): `syntax error on line 4: …`. */
export function syntaxErrorMessage(code: string, message: string, line: number): string {
  return `syntax error on line ${line}: ${plainYamlError(code, message)}`;
}
