/** The container entry's settings (container.ts): the service's arguments from the environment. */
import * as path from 'node:path';
import { isLoopback } from './process';

/** The service's arguments from the container's environment; throws a message for people on a bad setting. */
export function containerArgs(env: NodeJS.ProcessEnv, extra: readonly string[], baseDir: string): string[] {
  const host = env.HOST || '0.0.0.0';
  const port = env.PORT || '8080';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new Error(`PORT needs an integer from 0 to 65535, got ${JSON.stringify(port)}`);
  const token = env.MLWB_TOKEN || undefined;
  if (!token && !isLoopback(host)) {
    throw new Error(
      `MLWB_TOKEN is not set: the service listens on ${host}:${port} and refuses to start without a token there. ` +
        'Set it (docker run -e MLWB_TOKEN=…, or a Kubernetes Secret as in k8s.yaml); clients then send "Authorization: Bearer <token>"',
    );
  }
  const modelDir = path.resolve(baseDir, env.MODEL_DIR || 'model');
  return ['--run', modelDir, '--host', host, '--port', port, ...(token ? ['--token', token] : []), ...extra];
}
