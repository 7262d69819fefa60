/** Chart axes of the run panels, as plain chart.js options (no DOM here, so they are unit tested). */

/**
 * The x axis of a per-step curve (epoch, iteration, trial): whole numbers only. chart.js picks
 * fractional steps for short runs otherwise ("epoch 1.5"); `precision: 0` rounds its step to 1, 2, 5….
 */
export function stepAxis(title: string): { type: 'linear'; title: { display: true; text: string }; ticks: { precision: 0 } } {
  return { type: 'linear', title: { display: true, text: title }, ticks: { precision: 0 } };
}
