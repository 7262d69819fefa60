/** Small dense linear algebra for the selection step: symmetric eigendecomposition (cyclic Jacobi). */

/**
 * Eigenvalues (descending) and eigenvectors of a symmetric p×p matrix (row-major). Jacobi rotations
 * are slower than QR for large p but accurate to machine precision, which the PCA reference needs.
 * `vectors[i * p + j]` is entry i of eigenvector j.
 */
export function symmetricEigen(matrix: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  let total = 0;
  for (let k = 0; k < a.length; k++) total += (a[k] as number) ** 2;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) off += (a[i * p + j] as number) ** 2;
    if (off <= 1e-32 * total || off === 0) break;
    for (let r = 0; r < p; r++) {
      for (let q = r + 1; q < p; q++) {
        const arq = a[r * p + q] as number;
        if (arq === 0) continue;
        const theta = ((a[q * p + q] as number) - (a[r * p + r] as number)) / (2 * arq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const akr = a[k * p + r] as number;
          const akq = a[k * p + q] as number;
          a[k * p + r] = c * akr - s * akq;
          a[k * p + q] = s * akr + c * akq;
        }
        for (let k = 0; k < p; k++) {
          const ark = a[r * p + k] as number;
          const aqk = a[q * p + k] as number;
          a[r * p + k] = c * ark - s * aqk;
          a[q * p + k] = s * ark + c * aqk;
        }
        for (let k = 0; k < p; k++) {
          const vkr = v[k * p + r] as number;
          const vkq = v[k * p + q] as number;
          v[k * p + r] = c * vkr - s * vkq;
          v[k * p + q] = s * vkr + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => (a[y * p + y] as number) - (a[x * p + x] as number));
  const values = Float64Array.from(order, (i) => a[i * p + i] as number);
  const vectors = new Float64Array(p * p);
  order.forEach((from, to) => {
    for (let i = 0; i < p; i++) vectors[i * p + to] = v[i * p + from] as number;
  });
  return { values, vectors };
}
