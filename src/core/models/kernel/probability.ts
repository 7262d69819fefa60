/** Platt scaling and pairwise coupling, as libsvm turns one-vs-one decision values into probabilities. */

/** Fits P(+1 | f) = 1 / (1 + exp(A·f + B)) by libsvm's regularised Newton method (Platt 1999, Lin et al. 2007). */
export function fitSigmoid(decisions: Float64Array, positive: Uint8Array): { A: number; B: number } {
  const l = decisions.length;
  let prior1 = 0;
  for (const p of positive) prior1 += p;
  const prior0 = l - prior1;
  const hiTarget = (prior1 + 1) / (prior1 + 2);
  const loTarget = 1 / (prior0 + 2);
  const targets = Float64Array.from(positive, (p) => (p ? hiTarget : loTarget));
  const objective = (A: number, B: number): number => {
    let f = 0;
    for (let i = 0; i < l; i++) {
      const z = (decisions[i] as number) * A + B;
      const t = targets[i] as number;
      f += z >= 0 ? t * z + Math.log1p(Math.exp(-z)) : (t - 1) * z + Math.log1p(Math.exp(z));
    }
    return f;
  };
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  let value = objective(A, B);
  for (let iteration = 0; iteration < 100; iteration++) {
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < l; i++) {
      const f = decisions[i] as number;
      const z = f * A + B;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const q = 1 - p;
      const d2 = p * q;
      h11 += f * f * d2;
      h22 += d2;
      h21 += f * d2;
      const d1 = (targets[i] as number) - p;
      g1 += f * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const slope = g1 * dA + g2 * dB;
    let step = 1;
    for (; step >= 1e-10; step /= 2) {
      const next = objective(A + step * dA, B + step * dB);
      if (next < value + 1e-4 * step * slope) {
        A += step * dA;
        B += step * dB;
        value = next;
        break;
      }
    }
    if (step < 1e-10) break;
  }
  return { A, B };
}

/** P(+1 | f) for a fitted sigmoid, clipped away from 0 and 1 as libsvm does. */
export function sigmoidProbability(f: number, A: number, B: number): number {
  const z = f * A + B;
  const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  return Math.min(Math.max(p, 1e-7), 1 - 1e-7);
}

/** Class probabilities from pairwise ones r[i][j] = P(i | i or j) (Wu, Lin & Weng 2004, method 2). */
export function couplePairwise(r: Float64Array[], k: number): Float64Array {
  const p = new Float64Array(k).fill(1 / k);
  const Q = Array.from({ length: k }, () => new Float64Array(k));
  for (let t = 0; t < k; t++) {
    const Qt = Q[t] as Float64Array;
    for (let j = 0; j < k; j++) {
      if (j === t) continue;
      const rjt = (r[j] as Float64Array)[t] as number;
      Qt[t] = (Qt[t] as number) + rjt * rjt;
      Qt[j] = -rjt * ((r[t] as Float64Array)[j] as number);
    }
  }
  const Qp = new Float64Array(k);
  const eps = 0.005 / k;
  for (let iteration = 0; iteration < Math.max(100, k); iteration++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += ((Q[t] as Float64Array)[j] as number) * (p[j] as number);
      Qp[t] = sum;
      pQp += (p[t] as number) * sum;
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs((Qp[t] as number) - pQp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const Qt = Q[t] as Float64Array;
      const diff = (-(Qp[t] as number) + pQp) / (Qt[t] as number);
      p[t] = (p[t] as number) + diff;
      pQp = (pQp + diff * (diff * (Qt[t] as number) + 2 * (Qp[t] as number))) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = ((Qp[j] as number) + diff * (Qt[j] as number)) / (1 + diff);
        p[j] = (p[j] as number) / (1 + diff);
      }
    }
  }
  return p;
}
