import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counter, escapeLabelValue, exposition, formatValue, gauge, histogram } from '../../../src/core/monitor/prometheus';
import { LatencyRecorder } from '../../../src/core/monitor/latency';

// An independent reader of the text format, line by line, after the rules of
// https://prometheus.io/docs/instrumenting/exposition_formats/ (text format 0.0.4).
interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  help?: string;
  type?: string;
  samples: ParsedSample[];
}

function unescapeLabel(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return Number.NaN;
  assert.match(text, /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, `value "${text}"`);
  return Number(text);
}

function parseExposition(text: string): Map<string, Family> {
  assert.ok(text.endsWith('\n'), 'the body ends with a newline');
  const families = new Map<string, Family>();
  let current: string | undefined;
  const familyOf = (sample: string): string => {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      const base = sample.slice(0, -suffix.length);
      if (sample.endsWith(suffix) && families.get(base)?.type === 'histogram') return base;
    }
    return sample;
  };
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      const family = families.get(name) ?? { samples: [] };
      if (kind === 'HELP') {
        assert.equal(family.help, undefined, `one HELP for ${name}`);
        assert.doesNotMatch(rest, /(^|[^\\])\\[^\\n]/, 'HELP escapes only \\\\ and \\n');
        family.help = rest;
      } else {
        assert.equal(family.type, undefined, `one TYPE for ${name}`);
        assert.equal(family.samples.length, 0, 'TYPE comes before the samples');
        assert.match(rest, /^(counter|gauge|histogram|summary|untyped)$/);
        family.type = rest;
      }
      families.set(name, family);
      current = name;
      continue;
    }
    assert.ok(!line.startsWith('#'), `stray comment: ${line}`);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    assert.ok(sample, `sample line: ${line}`);
    const [, name, , labelBody, value] = sample as unknown as [string, string, string | undefined, string | undefined, string];
    const labels: Record<string, string> = {};
    if (labelBody !== undefined && labelBody !== '') {
      const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
      let at = 0;
      while (at < labelBody.length) {
        labelRe.lastIndex = at;
        const m = labelRe.exec(labelBody);
        assert.ok(m, `label syntax at ${at} in ${line}`);
        assert.equal(labels[m[1] as string], undefined, 'no repeated label');
        labels[m[1] as string] = unescapeLabel(m[2] as string);
        at = labelRe.lastIndex;
      }
    }
    const family = familyOf(name);
    assert.equal(family, current, `samples of ${family} follow its own TYPE line, contiguously`);
    families.get(family)?.samples.push({ name, labels, value: parseValue(value) });
  }
  return families;
}

test('counters and gauges: HELP/TYPE, escaped label values and HELP text, special values', () => {
  const body = exposition([
    counter('mlwb_requests_total', 'Requests by status.\nSecond line with a \\ backslash', [
      { labels: { status: '200', path: '/invocations' }, value: 10 },
      { labels: { status: '400', path: 'a "quoted"\\path\nnew line' }, value: 2 },
    ]),
    gauge('mlwb_drift_score', 'Drift statistic per feature.', [
      { labels: { feature: 'temperature', method: 'ks' }, value: 0.5 },
      { labels: { feature: 'empty' }, value: Number.NaN },
      { value: Infinity },
      { value: 1e-7 },
    ]),
  ]);
  const families = parseExposition(body);
  const requests = families.get('mlwb_requests_total');
  assert.equal(requests?.type, 'counter');
  assert.equal(requests?.help, 'Requests by status.\\nSecond line with a \\\\ backslash');
  assert.deepEqual(requests?.samples[1]?.labels, { status: '400', path: 'a "quoted"\\path\nnew line' });
  const drift = families.get('mlwb_drift_score');
  assert.equal(drift?.samples.length, 4);
  assert.ok(Number.isNaN(drift?.samples[1]?.value));
  assert.equal(drift?.samples[2]?.value, Infinity);
  assert.equal(drift?.samples[3]?.value, 1e-7);
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.equal(formatValue(-Infinity), '-Inf');
});

test('histogram: cumulative le buckets ending in +Inf equal to _count, then _sum and _count', () => {
  const recorder = new LatencyRecorder(100);
  for (const ms of [0.2, 0.7, 1.5, 3, 3, 8, 40, 900, 7000]) recorder.record(ms);
  const snapshot = recorder.histogram();
  const body = exposition([
    histogram('mlwb_request_duration_seconds', 'Latency of /invocations.', [
      { labels: { route: '/invocations' }, ...snapshot },
      { labels: { route: '/feedback' }, bounds: [0.1, 1], cumulative: [0, 0], sum: 0, count: 0 },
    ]),
  ]);
  const family = parseExposition(body).get('mlwb_request_duration_seconds');
  assert.equal(family?.type, 'histogram');
  const invocations = (family?.samples ?? []).filter((s) => s.labels.route === '/invocations');
  const buckets = invocations.filter((s) => s.name.endsWith('_bucket'));
  assert.equal(buckets.length, snapshot.bounds.length + 1);
  assert.equal(buckets[buckets.length - 1]?.labels.le, '+Inf');
  for (let i = 1; i < buckets.length; i++) {
    assert.ok(Number((buckets[i]?.labels.le ?? '').replace('+Inf', 'Infinity')) > Number(buckets[i - 1]?.labels.le), 'le increases');
    assert.ok((buckets[i]?.value ?? 0) >= (buckets[i - 1]?.value ?? 0), 'counts are cumulative');
  }
  const count = invocations.find((s) => s.name === 'mlwb_request_duration_seconds_count');
  const sum = invocations.find((s) => s.name === 'mlwb_request_duration_seconds_sum');
  assert.equal(count?.value, 9);
  assert.equal(buckets[buckets.length - 1]?.value, count?.value);
  assert.ok(Math.abs((sum?.value ?? 0) - 7.9564) < 1e-12);
  // le=0.001 holds 0.2 ms and 0.7 ms; le=0.005 adds 1.5, 3, 3.
  assert.equal(buckets.find((b) => b.labels.le === '0.001')?.value, 2);
  assert.equal(buckets.find((b) => b.labels.le === '0.005')?.value, 5);
});

test('invalid names, reserved labels and non-cumulative buckets are refused', () => {
  assert.throws(() => gauge('1bad', 'x', []), /metric name/);
  assert.throws(() => gauge('ok', 'x', [{ labels: { 'bad-label': 'v' }, value: 1 }]), /label name/);
  assert.throws(() => gauge('ok', 'x', [{ labels: { __reserved: 'v' }, value: 1 }]), /label name/);
  assert.throws(() => counter('c_total', 'x', [{ value: -1 }]), /negative/);
  assert.throws(() => histogram('h', 'x', [{ bounds: [1, 2], cumulative: [3, 2], sum: 0, count: 3 }]), /cumulative/);
  assert.throws(() => histogram('h', 'x', [{ labels: { le: '1' }, bounds: [1], cumulative: [1], sum: 0, count: 1 }]), /reserved/);
  assert.throws(() => histogram('h', 'x', [{ bounds: [1], cumulative: [5], sum: 0, count: 3 }]), /more than count/);
});
