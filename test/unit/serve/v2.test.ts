import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromRecords } from '../../../src/core/data/table';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { curlCommand, exampleRequest } from '../../../src/serve/examples';
import { featureRecords, post, trainedRun, trainOnCsv, withService } from './fixture';

async function get(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** One FP32 tensor of shape [N, 1] per feature column, as a KServe or Triton client sends them. */
function tensors(records: readonly Record<string, number | string>[], datatype = 'FP32'): Record<string, unknown>[] {
  const names = Object.keys(records[0] as object);
  return names.map((name) => ({
    name,
    shape: [records.length, 1],
    datatype: typeof records[0]?.[name] === 'string' ? 'BYTES' : datatype,
    data: records.map((r) => r[name]),
  }));
}

/** A protocol error: a 4xx status and a body with one key, `error`, a sentence. */
function assertError(answer: { status: number; json: Record<string, unknown> }, status: number, pattern: RegExp): void {
  assert.equal(answer.status, status, JSON.stringify(answer.json));
  assert.deepEqual(Object.keys(answer.json), ['error']);
  assert.match(answer.json.error as string, pattern);
}

test('server and model metadata, liveness and readiness follow the Open Inference Protocol', async () => {
  const runDir = await trainedRun('iris');
  await withService(runDir, async (url) => {
    const server = await get(`${url}/v2`);
    assert.equal(server.status, 200);
    assert.equal(server.json.name, 'mlwb');
    assert.equal(typeof server.json.version, 'string');
    assert.deepEqual((await get(`${url}/v2/health/live`)).json, { live: true });
    assert.deepEqual((await get(`${url}/v2/health/ready`)).json, { ready: true });
    const version = String((await get(`${url}/version`)).json.model_version);
    const metadata = await get(`${url}/v2/models/iris-serve`);
    assert.equal(metadata.status, 200);
    assert.equal(metadata.json.name, 'iris-serve');
    assert.deepEqual(metadata.json.versions, [version]);
    const features = Object.keys(featureRecords('iris')[0] as object);
    assert.deepEqual(
      metadata.json.inputs,
      features.map((name) => ({ name, datatype: 'FP64', shape: [-1, 1] })),
    );
    const outputs = metadata.json.outputs as { name: string; shape: number[] }[];
    assert.deepEqual(
      outputs.map((o) => [o.name, o.shape]),
      [
        ['label', [-1]],
        ['probabilities', [-1, 3]],
        ['prediction_id', [-1]],
      ],
    );
    assert.deepEqual((await get(`${url}/v2/models/iris-serve/versions/${version}`)).json, metadata.json);
    assert.deepEqual((await get(`${url}/v2/models/iris-serve/ready`)).json, { name: 'iris-serve', ready: true });
    assert.deepEqual((await get(`${url}/v2/models/iris-serve/versions/${version}/ready`)).json, { name: 'iris-serve', ready: true });
    assertError(await get(`${url}/v2/models/other`), 404, /no model "other"; this service serves "iris-serve"/);
    assertError(await get(`${url}/v2/models/iris-serve/versions/99/ready`), 404, /version 99 is not served; the served version is/);
    assertError(await get(`${url}/v2/repository/index`), 404, /no route GET \/v2\/repository\/index/);
  });
});

test('infer answers the labels and probabilities /invocations gives, in the run label order, and counts the predictions', async () => {
  const runDir = await trainedRun('iris');
  await withService(runDir, async (url) => {
    const records = featureRecords('iris');
    const expected = (await loadRunModel(runDir)).predict(tableFromRecords(records));
    const before = (await get(`${url}/monitor`)).json.predictions as { total: number };
    const { status, json } = await post(`${url}/v2/models/iris-serve/infer`, JSON.stringify({ id: 'req-1', inputs: tensors(records) }));
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(json.model_name, 'iris-serve');
    assert.equal(json.id, 'req-1');
    const [label, probabilities] = json.outputs as { name: string; datatype: string; shape: number[]; data: unknown[] }[];
    assert.deepEqual([label?.name, label?.datatype, label?.shape], ['label', 'BYTES', [150]]);
    assert.deepEqual(label?.data, expected.predictions);
    assert.deepEqual([probabilities?.name, probabilities?.datatype, probabilities?.shape], ['probabilities', 'FP64', [150, 3]]);
    assert.deepEqual(probabilities?.data, expected.probabilities?.flat());
    const after = (await get(`${url}/monitor`)).json.predictions as { total: number };
    assert.equal(after.total - before.total, 150);

    // Shape [N] and nested data [[x], [y]] are the same tensor; INT64 is accepted for numeric columns.
    const flat = tensors(records.slice(0, 5)).map((t) => ({ ...t, shape: [5] }));
    const nested = tensors(records.slice(0, 5)).map((t) => ({ ...t, data: (t.data as number[]).map((v) => [v]) }));
    for (const inputs of [flat, nested]) {
      const answer = await post(`${url}/v2/models/iris-serve/infer`, JSON.stringify({ inputs }));
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      assert.deepEqual((answer.json.outputs as { data: unknown[] }[])[0]?.data, expected.predictions.slice(0, 5));
    }
  });
});

test('infer returns only the outputs asked for, and prediction ids that /feedback takes', async () => {
  const runDir = await trainedRun('iris');
  await withService(runDir, async (url) => {
    const records = featureRecords('iris').slice(0, 3);
    const { status, json } = await post(
      `${url}/v2/models/iris-serve/infer`,
      JSON.stringify({ inputs: tensors(records), outputs: [{ name: 'probabilities' }, { name: 'prediction_id' }] }),
    );
    assert.equal(status, 200, JSON.stringify(json));
    const outputs = json.outputs as { name: string; data: string[] }[];
    assert.deepEqual(
      outputs.map((o) => o.name),
      ['probabilities', 'prediction_id'],
    );
    const ids = outputs[1]?.data as string[];
    const feedback = await post(`${url}/feedback`, JSON.stringify({ prediction_ids: ids, labels: ['setosa', 'setosa', 'setosa'] }));
    assert.equal(feedback.status, 200, JSON.stringify(feedback.json));
    assert.equal(feedback.json.accepted, 3);
    assertError(
      await post(`${url}/v2/models/iris-serve/infer`, JSON.stringify({ inputs: tensors(records), outputs: [{ name: 'variable' }] })),
      400,
      /unknown output "variable"; the model's outputs are: label, probabilities, prediction_id/,
    );
  });
});

test('infer refuses bad requests with the protocol error naming the input at fault', async () => {
  const runDir = await trainedRun('iris');
  await withService(runDir, async (url) => {
    const records = featureRecords('iris').slice(0, 4);
    const good = tensors(records);
    const infer = (body: unknown, model = 'iris-serve'): ReturnType<typeof post> =>
      post(`${url}/v2/models/${model}/infer`, typeof body === 'string' ? body : JSON.stringify(body));
    assertError(await infer({ inputs: good }, 'nope'), 404, /no model "nope"/);
    assertError(await infer({ inputs: good.slice(1) }), 400, /input "sepal_length_cm" is missing; the model's inputs are: sepal_length_cm, sepal_width_cm/);
    assertError(
      await infer({ inputs: [...good, { name: 'colour', shape: [4, 1], datatype: 'BYTES', data: ['a', 'b', 'c', 'd'] }] }),
      400,
      /unknown input "colour"/,
    );
    assertError(
      await infer({ inputs: good.map((t, i) => (i === 0 ? { ...t, datatype: 'BYTES' } : t)) }),
      400,
      /input "sepal_length_cm" is a numeric column: send FP32, FP64 or INT64, not BYTES/,
    );
    assertError(await infer({ inputs: good.map((t, i) => (i === 1 ? { ...t, shape: [5, 1] } : t)) }), 400, /shape \[5, 1\] holds 5 values but data has 4/);
    assertError(await infer({ inputs: good.map((t, i) => (i === 0 ? { ...t, shape: [2, 2] } : t)) }), 400, /each input is one column, \[N, 1\]/);
    const shorter = good.map((t, i) => (i === 2 ? { ...t, shape: [3, 1], data: (t.data as number[]).slice(0, 3) } : t));
    assertError(await infer({ inputs: shorter }), 400, /has 3 rows but the first input has 4/);
    assertError(
      await infer({ inputs: good.map((t, i) => (i === 0 ? { ...t, data: ['x', 1, 2, 3] } : t)) }),
      400,
      /column "sepal_length_cm" is numeric but row 1 holds string "x"/,
    );
    assertError(await infer({ inputs: [...good, good[0]] }), 400, /input "sepal_length_cm" appears twice/);
    assertError(await infer({ inputs: [] }), 400, /"inputs" must be a non-empty array/);
    assertError(await infer('{"inputs": ['), 400, /not valid JSON/);
  });
});

test('a regression model answers `variable` as [N, 1]', async () => {
  const runDir = await trainedRun('diabetes');
  await withService(runDir, async (url) => {
    const records = featureRecords('diabetes').slice(0, 10);
    const expected = (await loadRunModel(runDir)).predict(tableFromRecords(records));
    const { status, json } = await post(`${url}/v2/models/diabetes-serve/infer`, JSON.stringify({ inputs: tensors(records, 'FP64') }));
    assert.equal(status, 200, JSON.stringify(json));
    assert.deepEqual(json.outputs, [{ name: 'variable', datatype: 'FP64', shape: [10, 1], data: expected.predictions }]);
  });
});

test('text columns travel as BYTES tensors', async () => {
  const cities = ['paris', 'lyon', 'nice'];
  const lines = ['city,size,label'];
  for (let i = 0; i < 90; i++) lines.push(`${cities[i % 3]},${(i * 7) % 11},${i % 3 === 0 ? 'yes' : 'no'}`);
  const runDir = await trainOnCsv('cities', lines, [
    'name: cities',
    'data: { path: cities.csv, target: label }',
    'prepare:',
    '  - onehot: { columns: [city] }',
    'model: { type: logistic_regression }',
    'validation: { method: holdout, test_size: 0.2 }',
    'seed: 1',
  ]);
  await withService(runDir, async (url) => {
    const metadata = await get(`${url}/v2/models/cities`);
    assert.deepEqual(metadata.json.inputs, [
      { name: 'city', datatype: 'BYTES', shape: [-1, 1] },
      { name: 'size', datatype: 'FP64', shape: [-1, 1] },
    ]);
    const records = [
      { city: 'paris', size: 3 },
      { city: 'lyon', size: 4 },
    ];
    const expected = (await loadRunModel(runDir)).predict(tableFromRecords(records));
    const { status, json } = await post(`${url}/v2/models/cities/infer`, JSON.stringify({ inputs: tensors(records) }));
    assert.equal(status, 200, JSON.stringify(json));
    assert.deepEqual((json.outputs as { data: unknown[] }[])[0]?.data, expected.predictions);
    assertError(
      await post(
        `${url}/v2/models/cities/infer`,
        JSON.stringify({ inputs: tensors(records).map((t) => (t.name === 'city' ? { ...t, datatype: 'FP32' } : t)) }),
      ),
      400,
      /input "city" is a categorical column: send BYTES, not FP32/,
    );
  });
});

test('the example requests the Deployed Models view copies are answered by the service, as curl sends them', async () => {
  const runDir = await trainedRun('iris');
  await withService({ runDir, writeFeedback: false, token: 's3cret' }, async (url) => {
    for (const protocol of ['mlflow', 'v2'] as const) {
      const request = exampleRequest(runDir, protocol, 'iris-serve');
      const command = curlCommand(url, request, 's3cret');
      // What a shell gives curl: the arguments between single quotes.
      const [header, auth, body] = [...command.matchAll(/'((?:[^']|'\\'')*)'/g)].map((m) => (m[1] as string).replace(/'\\''/g, "'"));
      assert.equal(header, 'Content-Type: application/json');
      assert.equal(auth, 'Authorization: Bearer s3cret');
      assert.ok(command.startsWith(`curl -s -X POST ${url}${request.path} `), command);
      const answer = await post(`${url}${request.path}`, body as string, 'application/json', { authorization: 'Bearer s3cret' });
      assert.equal(answer.status, 200, `${protocol}: ${JSON.stringify(answer.json)}`);
      const first = featureRecords('iris')[0] as Record<string, number>;
      const expected = (await loadRunModel(runDir)).predict(tableFromRecords([first])).predictions[0];
      const predicted = protocol === 'mlflow' ? (answer.json.predictions as string[])[0] : (answer.json.outputs as { data: string[] }[])[0]?.data[0];
      assert.equal(predicted, expected, protocol);
    }
  });
});

test('a served model whose experiment drops a column takes requests without it, on every route; a column an earlier step reads stays required', async () => {
  const lines = ['id,code,city,size,label'];
  for (let i = 0; i < 90; i++) lines.push(`${1000 + i},${i % 7},${['paris', 'lyon', 'nice'][i % 3]},${(i * 7) % 11},${i % 3 === 0 ? 'yes' : 'no'}`);
  const runDir = await trainOnCsv('shop', lines, [
    'name: shop',
    'data: { path: shop.csv, target: label }',
    'prepare:',
    '  - impute: { columns: [code] }',
    '  - drop: { columns: [id, code] }',
    '  - onehot: { columns: [city] }',
    'model: { type: logistic_regression }',
    'validation: { method: holdout, test_size: 0.2 }',
    'seed: 1',
  ]);
  const loaded = await loadRunModel(runDir);
  // id is dropped unread; code is read by impute before it is dropped, so a request must carry it.
  assert.deepEqual(loaded.optionalInputs, ['id']);
  await withService(runDir, async (url) => {
    const full = [
      { id: 1, code: 3, city: 'paris', size: 3 },
      { id: 2, code: 9, city: 'nice', size: 8 },
    ];
    const expected = loaded.predict(tableFromRecords(full)).predictions;
    const withoutId = full.map(({ id: _id, ...rest }) => rest);
    for (const body of [{ dataframe_records: full }, { dataframe_records: withoutId }, { instances: withoutId.map((r) => [r.code, r.city, r.size]) }]) {
      const answer = await post(`${url}/invocations`, JSON.stringify(body));
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      assert.deepEqual(answer.json.predictions, expected);
    }
    const missingCode = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: [{ city: 'paris', size: 3 }] }));
    assert.equal(missingCode.status, 400);
    assert.match(missingCode.json.detail as string, /column "code" is missing/);
    const metadata = await get(`${url}/v2/models/shop`);
    assert.deepEqual(
      (metadata.json.inputs as { name: string }[]).map((input) => input.name),
      ['code', 'city', 'size'],
    );
    const { status, json } = await post(`${url}/v2/models/shop/infer`, JSON.stringify({ inputs: tensors(withoutId) }));
    assert.equal(status, 200, JSON.stringify(json));
    assert.deepEqual((json.outputs as { data: unknown[] }[])[0]?.data, expected);
  });
});
