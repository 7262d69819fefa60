/** select: PCA, variance threshold or LASSO selection over every feature the previous steps produced. */
import { Matrix, MlError, Target } from '../../types';
import { assembleFrame, Frame } from '../frame';
import { lassoSupport, takeColumns, varianceSupport } from '../featureSelection';
import { OptionReader } from '../options';
import { fitPca, PcaModel, transformPca } from '../pca';
import { PrepareStep, requireFitted, StepJSON } from '../step';

type SelectState =
  | { readonly method: 'pca'; readonly inputs: string[]; readonly pca: PcaModel }
  | { readonly method: 'variance' | 'lasso'; readonly inputs: string[]; readonly keep: number[] };

/**
 * Replaces all features by one block: PCA scores `pca1..k` (dense), or the kept features (CSR stays
 * CSR, so a variance or lasso selection over TF-IDF columns never densifies them). Every column
 * must already be numeric and complete, as for a model.
 */
export class SelectStep implements PrepareStep {
  readonly step = 'select';
  readonly method: 'pca' | 'variance' | 'lasso';
  private readonly components: number | undefined;
  private readonly variance: number | undefined;
  private readonly threshold: number;
  private readonly alpha: number;
  private fitted: SelectState | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('select', options);
    this.method = reader.oneOf('method', ['pca', 'variance', 'lasso'] as const, 'pca');
    this.components = undefined;
    this.variance = undefined;
    this.threshold = 0;
    this.alpha = 0.01;
    if (this.method === 'pca') {
      this.components = reader.optionalNumber('components', { min: 1, integer: true }) ?? undefined;
      this.variance = reader.optionalNumber('variance', { min: 0, max: 1, exclusiveMin: true }) ?? undefined;
      if ((this.components === undefined) === (this.variance === undefined)) {
        throw new MlError('select: method pca needs exactly one of option "components" (a count) or "variance" (e.g. 0.95)');
      }
    } else if (this.method === 'variance') {
      this.threshold = reader.number('threshold', 0, { min: 0 });
    } else {
      this.alpha = reader.number('alpha', 0.01, { min: 0, exclusiveMin: true });
    }
    reader.done();
  }

  fit(frame: Frame, y: Target): void {
    const { X, featureNames } = assembleFrame(frame, 'select');
    if (this.method === 'pca') {
      this.fitted = { method: 'pca', inputs: featureNames, pca: fitPca(X, { components: this.components, variance: this.variance }) };
      return;
    }
    const keep = this.method === 'variance' ? varianceSupport(X, this.threshold) : lassoSupport(X, y, this.alpha);
    if (keep.length === 0) {
      const hint = this.method === 'variance' ? 'lower "threshold"' : 'lower "alpha"';
      throw new MlError(`select (${this.method}): no feature was kept; ${hint}`);
    }
    this.fitted = { method: this.method, inputs: featureNames, keep };
  }

  transform(frame: Frame): Frame {
    const state = requireFitted(this.fitted, 'select');
    const { X, featureNames } = assembleFrame(frame, 'select');
    if (featureNames.length !== state.inputs.length || featureNames.some((name, j) => name !== state.inputs[j])) {
      throw new MlError(`select: the features reaching this step (${featureNames.length}) differ from those it was fitted on (${state.inputs.length})`);
    }
    let matrix: Matrix;
    let names: string[];
    if (state.method === 'pca') {
      matrix = transformPca(state.pca, X);
      names = state.pca.components.map((_, k) => `pca${k + 1}`);
    } else {
      matrix = takeColumns(X, state.keep);
      names = state.keep.map((j) => state.inputs[j] as string);
    }
    return { rowCount: frame.rowCount, parts: [{ type: 'block', source: `select (${state.method})`, names, matrix }] };
  }

  /** Fitted PCA (explained variance and axes), for reports; undefined for other methods. */
  get pca(): PcaModel | undefined {
    return this.fitted?.method === 'pca' ? this.fitted.pca : undefined;
  }

  toJSON(): StepJSON {
    return { step: 'select', options: this.options, state: requireFitted(this.fitted, 'select') };
  }

  static fromJSON(json: StepJSON): SelectStep {
    const step = new SelectStep(json.options);
    step.fitted = json.state as SelectState;
    return step;
  }
}
