import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DatasetEngine } from '../../../src/core/datasets';
import { parseDecimal } from '../../../src/core/datasets/parseNumber';
import { sqlString } from '../../../src/core/datasets/source';

// The reference is DuckDB's own `try_cast(text AS DOUBLE)` (what the CSV reader applied to every numeric cell before):
// wherever parseDecimal gives a number it must be that double bit for bit; NaN means "ask DuckDB" and is always safe.
const engine = new DatasetEngine();
after(() => engine.close());

async function duckdbDoubles(texts: readonly string[]): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (let at = 0; at < texts.length; at += 5000) {
    const part = texts.slice(at, at + 5000);
    const rows = (
      await engine.query(`SELECT i, try_cast(s AS DOUBLE) FROM (VALUES ${part.map((s, i) => `(${i}, ${sqlString(s)})`).join(', ')}) t(i, s) ORDER BY i`)
    ).getRows();
    for (const row of rows) out.push(row[1] === null ? null : Number(row[1]));
  }
  return out;
}

const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const parse = (text: string): number => parseDecimal(bytes(text), 0, text.length);

/** Checks every text: a number from parseDecimal equals DuckDB's (Object.is: -0 and 0 differ); returns how many were parsed. */
async function agreesWithDuckDb(texts: readonly string[]): Promise<number> {
  const reference = await duckdbDoubles(texts);
  let parsed = 0;
  texts.forEach((text, i) => {
    const ours = parse(text);
    if (Number.isNaN(ours)) return;
    parsed++;
    const theirs = reference[i];
    assert.ok(theirs !== null && Object.is(ours, theirs), `${JSON.stringify(text)}: ours ${ours}, DuckDB ${String(theirs)}`);
    // Number() agrees too on the plain forms parsed here.
    assert.ok(Object.is(ours, Number(text)), `${JSON.stringify(text)}: ours ${ours}, Number() ${Number(text)}`);
  });
  return parsed;
}

test('parseDecimal: signs, points, exponents, zeros and leading zeros give DuckDB’s double', async () => {
  const texts = [
    '0',
    '-0',
    '+0',
    '0.0',
    '-0.0',
    '00012',
    '-00012.500',
    '1',
    '-1',
    '+1',
    '+.5',
    '-.5',
    '.5',
    '1.',
    '-1.',
    '1.e5',
    '1e5',
    '1E5',
    '1e+5',
    '1e-5',
    '1E-05',
    '1e0022',
    '12.345e-3',
    '-6.02214076e23',
    '1.7976931348623157e308',
    '2.2250738585072014e-308',
    '123456789012345',
    '1234567890123456',
    '12345678901234567',
    '0.1',
    '0.2',
    '0.3',
    '0.30000000000000004',
    '9007199254740993',
    '9007199254740992',
    '4.35',
    '1.297118',
    '-2.034825',
    '3.14159265358979323846264338327950288',
    '1e22',
    '1e23',
    '1e-22',
    '1e-23',
    '123456789012345e10',
    '0.000000000000000000000000001234',
    '0e999',
    '-0e-999',
    '1e300',
    '1e-300',
    '5e-324',
    '1e308',
    '1e309',
    '1e-320',
    '1e400',
    '-1e400',
    '1e-400',
    '0.0000',
    '100000000000000000000000000000',
  ];
  const parsed = await agreesWithDuckDb(texts);
  // The plain forms are parsed here, not left to DuckDB.
  for (const text of ['0', '-0.0', '1.', '.5', '1e5', '1E-05', '12345678901234567', '1.5e300', '-2.5e-300', '0.30000000000000004']) {
    assert.ok(!Number.isNaN(parse(text)), `${text} should be parsed`);
  }
  assert.ok(parsed >= 40, `${parsed} parsed`);
});

test('parseDecimal: leaves spaces, inf, nan, hexadecimal, underscores, text and out-of-range values to DuckDB (NaN)', () => {
  for (const text of [
    '',
    ' ',
    ' 1',
    '1 ',
    ' 1.5 ',
    '\t2',
    'inf',
    '-inf',
    'Infinity',
    'nan',
    'NaN',
    'NA',
    '0x10',
    '1_000',
    '1,5',
    '1e',
    '1e+',
    'e5',
    '.',
    '-',
    '+',
    '--1',
    '1.2.3',
    '1e5.5',
    '?',
    'abc',
    '1d',
    '1f',
    '1e400',
    '1e-400',
    '5e-324',
    '1e309',
    '１',
  ]) {
    assert.ok(Number.isNaN(parse(text)), `${JSON.stringify(text)} gave ${parse(text)}`);
  }
});

test('parseDecimal: 100,000 random values of 1 to 20 significant digits and exponents -30..30 give DuckDB’s double', async () => {
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const texts: string[] = [];
  for (let n = 0; n < 100_000; n++) {
    const digits = 1 + Math.floor(random() * 20);
    let mantissa = '';
    for (let d = 0; d < digits; d++) mantissa += String(Math.floor(random() * 10));
    const point = Math.floor(random() * (digits + 1));
    let text = `${random() < 0.5 ? '-' : ''}${mantissa.slice(0, point)}.${mantissa.slice(point)}`;
    if (text.endsWith('.') && random() < 0.5) text = text.slice(0, -1);
    if (text === '' || text === '-' || text === '.' || text === '-.') text += '0';
    if (random() < 0.3) text += `${random() < 0.5 ? 'e' : 'E'}${Math.floor(random() * 61) - 30}`;
    texts.push(text);
  }
  // 17-digit round trips of random doubles, as Python and JavaScript write them.
  for (let n = 0; n < 20_000; n++) texts.push(String((random() - 0.5) * 10 ** Math.floor(random() * 20 - 10)));
  const parsed = await agreesWithDuckDb(texts);
  assert.ok(parsed >= 0.99 * texts.length, `${parsed} of ${texts.length} parsed`);
});
