/** What the integration tests module writes for the runner that started the editor. */
export interface SuiteResults {
  readonly vscodeVersion: string;
  readonly appName: string;
  readonly passed: number;
  readonly failed: number;
  /** Tests mocha did not run (`test.skip`, `this.skip()`). */
  readonly skipped: number;
  readonly lines: string[];
}
