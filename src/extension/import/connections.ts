/** Saved import connections (URLs without passwords, in global state) and their secrets (in SecretStorage only). */
import type * as vscode from 'vscode';
import type { ImportSpec } from '../../core/sources';

const KEY = 'mlWorkbench.import.connections';

export interface SavedConnection {
  readonly kind: ImportSpec['kind'];
  /** Without password or token. */
  readonly url: string;
}

export class ImportConnections {
  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  list(): SavedConnection[] {
    return this.state.get<SavedConnection[]>(KEY, []);
  }

  /** Remembers a connection, most recent first. */
  async remember(connection: SavedConnection): Promise<void> {
    const others = this.list().filter((c) => c.url !== connection.url);
    await this.state.update(KEY, [connection, ...others].slice(0, 20));
  }

  private static secretKey(url: string): string {
    return `mlWorkbench.import.secret:${url}`;
  }

  secret(url: string): Thenable<string | undefined> {
    return this.secrets.get(ImportConnections.secretKey(url));
  }

  storeSecret(url: string, value: string): Thenable<void> {
    return this.secrets.store(ImportConnections.secretKey(url), value);
  }
}

/** The environment variable a source reads its secret from. */
export function secretVariable(kind: ImportSpec['kind']): string {
  if (kind === 'postgres') return 'PGPASSWORD';
  if (kind === 'mysql') return 'MYSQL_PWD';
  return 'MLWB_API_TOKEN';
}
