/** The graph outputs every exported model ends in: `label` and `probabilities`, or `variable`. */
import { MlError } from '../../types';
import { GraphBuilder } from './graph';

/** What a model converter produced: class probabilities (and maybe its own labels), or values. */
export type ModelOutputs =
  | { readonly task: 'classification'; readonly classes: readonly string[]; readonly probabilities: string; readonly label?: string }
  | { readonly task: 'regression'; readonly variable: string };

/**
 * Names the model's tensors `label` [N] and `probabilities` [N, K] (columns in the run's label
 * order), or `variable` [N, 1].
 */
export function finishOutputs(graph: GraphBuilder, outputs: ModelOutputs, labels: readonly string[] | undefined): void {
  if (outputs.task === 'regression') {
    const shape = graph.int64Const('variable_shape', [2], [-1, 1]);
    graph.node('Reshape', [outputs.variable, shape], [graph.reserve('variable')]);
    graph.output('variable', 'float', ['N', 1]);
    return;
  }
  const order = labels ?? outputs.classes;
  let probabilities = outputs.probabilities;
  let label = outputs.label;
  const same = order.length === outputs.classes.length && order.every((c, k) => c === outputs.classes[k]);
  if (!same) {
    const positions = order.map((c) => {
      const k = outputs.classes.indexOf(c);
      if (k < 0) throw new MlError(`ONNX export: the model has no class "${c}" of the run's labels`);
      return k;
    });
    probabilities = graph.op('Gather', [probabilities, graph.int64Const('label_order', [positions.length], positions)], { axis: 1 });
  }
  if (label === undefined) {
    // The first most probable class, as mlwb's argmax.
    const index = graph.op('ArgMax', [probabilities], { axis: 1, keepdims: 0 });
    label = graph.op('Gather', [graph.stringConst('classes', [order.length], [...order]), index], { axis: 0 });
  }
  graph.node('Identity', [label], [graph.reserve('label')]);
  graph.node('Identity', [probabilities], [graph.reserve('probabilities')]);
  graph.output('label', 'string', ['N']);
  graph.output('probabilities', 'float', ['N', order.length]);
}
