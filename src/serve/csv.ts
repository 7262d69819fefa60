/** CSV request bodies (RFC 4180: quoted fields, doubled quotes, CRLF or LF) with a header row. */
import { RequestError } from './errors';

/** Parses CSV text into the header and rows of string cells; fails naming the line at fault. */
export function parseCsv(text: string): { columns: string[]; data: string[][] } {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = (): void => {
    record.push(field);
    field = '';
    // A blank line (one empty field) is skipped, as readers of CSV do.
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') {
      if (field !== '') throw new RequestError(400, 'malformed_csv', `line ${line}: a quote inside an unquoted field`);
      quoted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
    } else field += ch;
  }
  if (quoted) throw new RequestError(400, 'malformed_csv', `line ${line}: a quoted field is not closed`);
  if (field !== '' || record.length > 0) endRecord();
  const [header, ...data] = records;
  if (!header) throw new RequestError(400, 'empty_batch', 'the CSV body is empty; it needs a header row and at least one row');
  return { columns: header.map((name) => name.trim()), data };
}
