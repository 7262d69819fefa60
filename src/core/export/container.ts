/**
 * `mlwb export --format container`: a build context that runs the prediction service wherever a
 * container runs. The service is one self-contained bundle (dist/serve/container.js, copied as
 * server.js: fastify, tfjs and the model code inside it, no native module), so the image needs no
 * `npm install`; the model is the folder export under model/.
 */
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { RunSchema } from '../runs/artifacts';
import { makeDirectory } from '../runs/atomic';
import type { RunRecord } from '../runs/store';
import { MlError } from '../types';
import { ENCODERS_DIR } from '../runs/encoders';
import { checkExportable, exportRun, type ExportResult } from './index';

/** The port the image exposes and the service listens on unless PORT says otherwise. */
export const CONTAINER_PORT = 8080;
/** The bundle of src/serve/container.ts that scripts/build.mjs writes. */
export const CONTAINER_BUNDLE = 'container.js';
const WASM_FILE = 'tfjs-backend-wasm.wasm';

export interface ContainerOptions {
  /** The service bundle to copy (default: the built dist/serve/container.js found from this code's folder). */
  readonly serviceBundle?: string;
  /** The folder of tfjs's wasm binaries, copied for network models (default: found like the bundle). */
  readonly wasmDir?: string;
  /** The installed onnxruntime-node package, copied for runs with an embed step (default: resolved from this code). */
  readonly onnxRuntimeDir?: string;
}

/** The platforms whose onnxruntime binaries an embed run's container carries: the image's (node:20-slim on amd64 or arm64) and this machine's. */
const RUNTIME_PLATFORMS = ['linux/x64', 'linux/arm64', `${process.platform}/${process.arch}`];

/** The folder of the package `name` that holds `file` (its exports map may not expose package.json). */
function packageFolder(file: string, name: string): string {
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  throw new Error(`no package.json of ${name} above ${file}`);
}

/**
 * An embed run's encoders run in onnxruntime-node, a native module the bundle cannot hold: its
 * JavaScript, its binaries for the image's platforms and onnxruntime-common are copied into
 * node_modules/, where server.js finds them; still no `npm install` in the image.
 */
function copyOnnxRuntime(to: string, given: string | undefined): string[] {
  let dir = given;
  let common: string | undefined;
  try {
    const resolver = createRequire(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js'));
    dir ??= path.dirname(resolver.resolve('onnxruntime-node/package.json'));
    common = packageFolder(createRequire(path.join(dir, 'package.json')).resolve('onnxruntime-common'), 'onnxruntime-common');
  } catch (error) {
    throw new MlError(
      `the container export of a run with an embed step needs onnxruntime-node (the encoder's runtime) installed beside ML Workbench, and it was not found: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const target = path.join(to, 'node_modules', 'onnxruntime-node');
  for (const entry of ['package.json', 'LICENSE', 'README.md', 'dist']) {
    if (existsSync(path.join(dir, entry))) cpSync(path.join(dir, entry), path.join(target, entry), { recursive: true });
  }
  const platforms = [...new Set(RUNTIME_PLATFORMS)].filter((platform) => existsSync(path.join(dir as string, 'bin', 'napi-v6', platform)));
  if (platforms.length === 0) throw new MlError(`onnxruntime-node in ${dir} has no binaries for ${RUNTIME_PLATFORMS.join(', ')}`);
  for (const platform of platforms) cpSync(path.join(dir, 'bin', 'napi-v6', platform), path.join(target, 'bin', 'napi-v6', platform), { recursive: true });
  cpSync(common, path.join(to, 'node_modules', 'onnxruntime-common'), { recursive: true });
  return ['node_modules/'];
}

/** Writes the container build context for a completed run into `outDir` (new or empty). */
export function exportContainer(runDir: string, outDir: string, options: ContainerOptions = {}): ExportResult {
  const { from, to, record } = checkExportable(runDir, outDir);
  const bundle = options.serviceBundle ?? findServiceBundle();
  if (!existsSync(bundle)) throw new MlError(`the service bundle ${bundle} does not exist; build it with \`npm run build\``);
  makeDirectory(to);
  const model = exportRun(from, path.join(to, 'model'));
  const files: string[] = [...model.files.map((file) => `model/${file}`)];
  cpSync(bundle, path.join(to, 'server.js'));
  writeFileSync(path.join(to, 'healthcheck.js'), HEALTHCHECK_SCRIPT);
  files.push('server.js', 'healthcheck.js');
  const embeds = model.files.includes(`${ENCODERS_DIR}/`);
  if (embeds) files.push(...copyOnnxRuntime(to, options.onnxRuntimeDir));
  const network = isNetwork(from);
  const wasmDir = network ? (options.wasmDir ?? findWasmDir(bundle)) : undefined;
  if (wasmDir !== undefined) {
    for (const file of readdirSync(wasmDir).filter((name) => name.endsWith('.wasm'))) cpSync(path.join(wasmDir, file), path.join(to, 'wasm', file));
    files.push('wasm/');
  }
  const schema = JSON.parse(readFileSync(path.join(from, 'schema.json'), 'utf8')) as RunSchema;
  const reference = JSON.parse(readFileSync(path.join(from, 'reference.json'), 'utf8')) as { columns: Record<string, unknown[]> };
  const name = containerName(record);
  const image = `${name}:${imageTag(record.id)}`;
  writeFileSync(path.join(to, 'Dockerfile'), dockerfile(record, image));
  // An embed run's image carries node_modules/onnxruntime-node (the encoder's runtime).
  writeFileSync(path.join(to, '.dockerignore'), embeds ? DOCKERIGNORE.replace('\nnode_modules\n', '\n') : DOCKERIGNORE);
  writeFileSync(path.join(to, 'package.json'), `${JSON.stringify(containerPackage(record, name), null, 2)}\n`);
  writeFileSync(path.join(to, 'k8s.yaml'), kubernetesManifest(record, name, image, network || embeds));
  writeFileSync(path.join(to, 'README.md'), containerReadme(record, schema, reference.columns, name, image, network, embeds));
  files.push('Dockerfile', '.dockerignore', 'package.json', 'k8s.yaml', 'README.md');
  return { outDir: to, files };
}

/** The built service bundle: beside the running bundle (CLI package), in dist/serve/ (extension, CLI build) or in the source tree's dist/. */
export function findServiceBundle(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [
    path.join(here, CONTAINER_BUNDLE),
    path.join(here, 'serve', CONTAINER_BUNDLE),
    path.join(here, '..', 'serve', CONTAINER_BUNDLE),
    path.join(here, '..', '..', '..', 'dist', 'serve', CONTAINER_BUNDLE),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new MlError(
      `the container export needs the service bundle ${CONTAINER_BUNDLE}, not found in ${candidates.join(', ')}; build it with \`npm run build\``,
    );
  }
  return found;
}

/** tfjs's wasm binaries near the bundle (wasm/ beside it or in dist/), or undefined: the service then runs networks on the cpu backend. */
function findWasmDir(bundle: string): string | undefined {
  const dir = path.dirname(bundle);
  return [path.join(dir, 'wasm'), path.join(dir, '..', 'wasm')].find((candidate) => existsSync(path.join(candidate, WASM_FILE)));
}

function isNetwork(runDir: string): boolean {
  const model = JSON.parse(readFileSync(path.join(runDir, 'model.json'), 'utf8')) as { format?: string };
  return model.format === 'tfjs-layers';
}

/** A Kubernetes object name (RFC 1123 label) from the experiment's name. */
export function containerName(record: RunRecord): string {
  const name = (record.experiment || 'model')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return /^[a-z]/.test(name) ? name : `mlwb-${name || 'model'}`;
}

function imageTag(runId: string): string {
  return runId.replace(/[^\w.-]/g, '-').slice(0, 128) || 'latest';
}

/** Run by HEALTHCHECK inside the image (node:20-slim has no curl): exit 0 once /v2/health/ready answers 200. */
const HEALTHCHECK_SCRIPT = `// The image's HEALTHCHECK: node:20-slim has no curl. Exit 0 when the service answers ready.
const host = !process.env.HOST || process.env.HOST === '0.0.0.0' ? '127.0.0.1' : process.env.HOST === '::' ? '::1' : process.env.HOST;
const url = \`http://\${host.includes(':') ? \`[\${host}]\` : host}:\${process.env.PORT || ${CONTAINER_PORT}}/v2/health/ready\`;
fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
`;

const DOCKERIGNORE = `# Not part of the image: how it is built and deployed, and what a local run of the service wrote.
.git
node_modules
npm-debug.log
Dockerfile
.dockerignore
k8s.yaml
README.md
model/feedback.jsonl
`;

function dockerfile(record: RunRecord, image: string): string {
  return `# ${record.experiment}, run ${record.id}: the ML Workbench prediction service with its model.
#   docker build -t ${image} .
#   docker run --rm -p ${CONTAINER_PORT}:${CONTAINER_PORT} -e MLWB_TOKEN=change-me ${image}
# server.js is one bundle with every JavaScript dependency inside: no npm install.
FROM node:20-slim
ENV NODE_ENV=production \\
    HOST=0.0.0.0 \\
    PORT=${CONTAINER_PORT}
WORKDIR /app
COPY --chown=node:node . /app
# The image's own non-root user; the service writes feedback.jsonl (and online model versions) in model/.
USER node
EXPOSE ${CONTAINER_PORT}
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "healthcheck.js"]
STOPSIGNAL SIGTERM
CMD ["node", "server.js"]
`;
}

function containerPackage(record: RunRecord, name: string): Record<string, unknown> {
  return {
    name,
    version: '1.0.0',
    private: true,
    description: `${record.experiment} (run ${record.id}): the ML Workbench prediction service with its model, as a container`,
    main: 'server.js',
    scripts: { start: 'node server.js' },
    engines: { node: '>=20' },
  };
}

/** Deployment (probes, resources, Prometheus annotations, the token from a Secret) and its Service. */
function kubernetesManifest(record: RunRecord, name: string, image: string, network: boolean): string {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'ml-workbench' };
  const selector = { 'app.kubernetes.io/name': name };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels, annotations: { 'mlwb.dev/run-id': record.id } },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels,
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(CONTAINER_PORT), 'prometheus.io/path': '/metrics' },
        },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'model',
              image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
              env: [
                { name: 'PORT', value: String(CONTAINER_PORT) },
                { name: 'MLWB_TOKEN', valueFrom: { secretKeyRef: { name: `${name}-token`, key: 'token' } } },
              ],
              readinessProbe: { httpGet: { path: '/v2/health/ready', port: CONTAINER_PORT }, initialDelaySeconds: 2, periodSeconds: 5, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: '/v2/health/live', port: CONTAINER_PORT }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
              resources: network
                ? { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } }
                : { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: CONTAINER_PORT, protocol: 'TCP' }] },
  };
  const header = `# ${record.experiment}, run ${record.id}, on Kubernetes. Build and push the image (README.md), then:
#   kubectl create secret generic ${name}-token --from-literal=token="$(openssl rand -hex 24)"
#   kubectl apply -f k8s.yaml
# The probes need no token; /metrics and the prediction routes do (Authorization: Bearer <token>).
`;
  return `${header}${stringify(deployment, { lineWidth: 0 })}---\n${stringify(service, { lineWidth: 0 })}`;
}

function containerReadme(
  record: RunRecord,
  schema: RunSchema,
  referenceColumns: Record<string, unknown[]>,
  name: string,
  image: string,
  network: boolean,
  embeds = false,
): string {
  const example = Object.fromEntries(schema.features.map((f) => [f.name, referenceColumns[f.name]?.[0] ?? null]));
  const body = JSON.stringify({ dataframe_records: [example] }).replace(/'/g, "'\\''");
  return `# ${record.experiment}, run ${record.id}, as a container

A build context for the ML Workbench prediction service with this ${schema.task} model (\`${record.modelType ?? 'model'}\`):
\`server.js\` is the whole service in one file (no \`npm install\`, no native module), \`model/\` the exported run
(see \`model/README.md\` for its columns, metrics and the MLflow-style API).${
    network
      ? '\nThe network runs on TensorFlow.js bundled in `server.js`, with its WebAssembly backend from `wasm/` (without it, the slower plain JavaScript one).'
      : ''
  }${
    embeds
      ? '\nThe run embeds text with a pretrained encoder: `model/encoders/` holds its folder and `node_modules/` the ONNX runtime it runs in (onnxruntime-node, the one native module, for linux x64 and arm64). Requests send the raw text column; the service embeds it.'
      : ''
  }

## Build and run

\`\`\`sh
docker build -t ${image} .
docker run --rm -p ${CONTAINER_PORT}:${CONTAINER_PORT} -e MLWB_TOKEN=change-me ${image}
\`\`\`

Without a container engine: \`MLWB_TOKEN=change-me node server.js\` in this folder (Node.js 20 or later).

| variable | default | meaning |
| --- | --- | --- |
| \`PORT\` | ${CONTAINER_PORT} | The port the service listens on. |
| \`HOST\` | 0.0.0.0 | The address; the service refuses to start on any other than a loopback one without \`MLWB_TOKEN\`. |
| \`MLWB_TOKEN\` | (required) | Clients send \`Authorization: Bearer <token>\`; only \`/v2/health/live\` and \`/v2/health/ready\` answer without it. |
| \`MODEL_DIR\` | model | The exported run the service loads. |

Arguments after the image name go to the service, e.g. \`docker run … ${image} node server.js --max-batch 1000 --online\`
(the options of \`mlwb serve\`). On SIGTERM (\`docker stop\`, a Kubernetes rollout) it finishes open requests and exits 0.

## Call it

\`\`\`sh
curl -s http://127.0.0.1:${CONTAINER_PORT}/invocations -H 'Authorization: Bearer change-me' -H 'Content-Type: application/json' \\
  -d '${body}'
curl -s http://127.0.0.1:${CONTAINER_PORT}/v2/models/${encodeURIComponent(record.experiment || record.id)} -H 'Authorization: Bearer change-me'   # Open Inference Protocol metadata
\`\`\`

KServe, Triton and Seldon clients call \`POST /v2/models/{name}/infer\` with one tensor per column.

## Deploy to Kubernetes

\`\`\`sh
docker build -t REGISTRY/${image} . && docker push REGISTRY/${image}   # and set that image in k8s.yaml
kubectl create secret generic ${name}-token --from-literal=token="$(openssl rand -hex 24)"
kubectl apply -f k8s.yaml
kubectl port-forward service/${name} ${CONTAINER_PORT}:80
\`\`\`

\`k8s.yaml\` holds a Deployment (readiness probe on \`/v2/health/ready\`, liveness on \`/v2/health/live\`, resource
requests and limits, non-root) and a ClusterIP Service on port 80. Its pods carry the \`prometheus.io/scrape\`,
\`prometheus.io/port\` and \`prometheus.io/path: /metrics\` annotations; \`/metrics\` needs the token, so the scrape job
needs it too (\`authorization: { credentials_file: … }\` in Prometheus's scrape configuration).

## Files

- \`Dockerfile\` — \`node:20-slim\`, user \`node\`, port ${CONTAINER_PORT}, a health check, \`CMD ["node", "server.js"]\`
- \`server.js\` — the prediction service; \`healthcheck.js\` — the image's health check${network ? '; `wasm/` — TensorFlow.js WebAssembly binaries' : ''}
- \`model/\` — the model as \`mlwb export\` writes it (with \`train_sklearn.py\`, the same pipeline in scikit-learn)
- \`package.json\` — no dependencies: everything is in \`server.js\`${embeds ? ' and `node_modules/` (onnxruntime-node)' : ''}
- \`k8s.yaml\`, \`.dockerignore\`, this README
`;
}
