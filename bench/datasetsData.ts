/** Generates the benchmark files of bench/datasets.ts into bench/data/ (git-ignored); reused when present. */
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { Random } from '../src/core/random';

const cities = ['Berlin', 'Paris', 'Madrid', 'Rome', 'Vienna', 'Prague', 'Lisbon', 'Dublin', 'Oslo', 'Warsaw', 'Athens', 'Zurich'];
const segments = ['consumer', 'corporate', 'home office', 'small business', 'enterprise'];
const words = ['good', 'bad', 'fast', 'slow', 'item', 'order', 'late', 'fine', 'great', 'broken', 'again', 'never'];

async function writeLines(file: string, rows: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  let buffer = '';
  for (let i = 0; i < rows; i++) {
    buffer += line(i);
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

/** A 2,000,000-row CSV (~150 MB) of mixed types with 5% missing cells in every column but `id`. */
export async function mixedCsv(dir: string, rows = 2_000_000): Promise<string> {
  const file = path.join(dir, `mixed-${rows}.csv`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const random = new Random(7);
  const maybe = (value: string): string => (random.next() < 0.05 ? '' : value);
  const header = 'id,age,income,score,city,segment,signup,active,comment\n';
  await writeLines(file, rows + 1, (i) => {
    if (i === 0) return header;
    const age = String(18 + random.int(60));
    const income = (20000 + random.next() * 80000).toFixed(2);
    const score = random.normal().toFixed(4);
    const city = cities[random.int(cities.length)] ?? '';
    const segment = segments[random.int(segments.length)] ?? '';
    const signup = `20${10 + random.int(15)}-0${1 + random.int(9)}-${10 + random.int(18)}`;
    const active = random.next() < 0.5 ? 'true' : 'false';
    const comment = `${words[random.int(words.length)] ?? ''} ${words[random.int(words.length)] ?? ''} ${random.int(1000)}`;
    return `${i},${maybe(age)},${maybe(income)},${maybe(score)},${maybe(city)},${maybe(segment)},${maybe(signup)},${maybe(active)},${maybe(comment)}\n`;
  });
  return file;
}

/** A CSV of at least `bytes` bytes (default 1 GB) with a numeric and a text column. */
export async function bigCsv(dir: string, bytes = 1 << 30): Promise<string> {
  const file = path.join(dir, `big-${bytes}.csv`);
  if (existsSync(file) && statSync(file).size >= bytes) return file;
  mkdirSync(dir, { recursive: true });
  const random = new Random(11);
  const line = (i: number): string =>
    i === 0
      ? 'id,x,y,label,note\n'
      : `${i},${random.next().toFixed(6)},${random.normal().toFixed(6)},${cities[random.int(cities.length)] ?? ''},row number ${i} of the big file\n`;
  // ~62 bytes a line.
  const rows = Math.ceil(bytes / 60);
  await writeLines(file, rows, line);
  return file;
}
