/**
 * numpy's default `argsort` (introsort, kind="quicksort", numpy 1.24) ported line by line.
 * It is not stable: sklearn's `max_features` keeps `(-tfs).argsort()[:limit]`, so equal term counts
 * at the cut are broken the way this exact algorithm breaks them.
 */

const SMALL_QUICKSORT = 15;

/** Indices that sort `values` ascending, with numpy 1.24's tie order. */
export function numpyArgsort(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  const v = (k: number): number => values[order[k] as number] as number;
  const swap = (a: number, b: number): void => {
    const t = order[a] as number;
    order[a] = order[b] as number;
    order[b] = t;
  };
  const stack: number[] = [];
  const depthStack: number[] = [];
  let pl = 0;
  let pr = n - 1;
  let cdepth = mostSignificantBit(n) * 2;
  for (;;) {
    let sorted = false;
    if (cdepth < 0) {
      heapsortRange(values, order, pl, pr - pl + 1);
      sorted = true;
    }
    while (!sorted && pr - pl > SMALL_QUICKSORT) {
      const pm = pl + ((pr - pl) >> 1);
      if (v(pm) < v(pl)) swap(pm, pl);
      if (v(pr) < v(pm)) swap(pr, pm);
      if (v(pm) < v(pl)) swap(pm, pl);
      const vp = v(pm);
      let pi = pl;
      let pj = pr - 1;
      swap(pm, pj);
      for (;;) {
        do ++pi;
        while (v(pi) < vp);
        do --pj;
        while (vp < v(pj));
        if (pi >= pj) break;
        swap(pi, pj);
      }
      swap(pi, pr - 1);
      // Push the larger partition, keep sorting the smaller one.
      if (pi - pl < pr - pi) {
        stack.push(pi + 1, pr);
        pr = pi - 1;
      } else {
        stack.push(pl, pi - 1);
        pl = pi + 1;
      }
      depthStack.push(--cdepth);
    }
    if (!sorted) {
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = order[pi] as number;
        const vp = values[vi] as number;
        let pj = pi;
        while (pj > pl && vp < v(pj - 1)) {
          order[pj] = order[pj - 1] as number;
          pj--;
        }
        order[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop() as number;
    pl = stack.pop() as number;
    cdepth = depthStack.pop() as number;
  }
  return order;
}

function mostSignificantBit(n: number): number {
  let depth = 0;
  for (let u = n >>> 0; (u >>>= 1) !== 0;) depth++;
  return depth;
}

/** numpy's aheapsort on order[start .. start+n-1] (1-based heap indexing as in the C source). */
function heapsortRange(values: ArrayLike<number>, order: Int32Array, start: number, n: number): void {
  const a = (k: number): number => order[start + k - 1] as number;
  const set = (k: number, x: number): void => {
    order[start + k - 1] = x;
  };
  const val = (idx: number): number => values[idx] as number;
  // The C source writes this sift-down twice: building the heap, then popping it.
  const siftDown = (from: number, tmp: number, size: number): void => {
    let i = from;
    for (let j = from << 1; j <= size;) {
      if (j < size && val(a(j)) < val(a(j + 1))) j += 1;
      if (val(tmp) < val(a(j))) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  };
  for (let l = n >> 1; l > 0; --l) siftDown(l, a(l), n);
  for (let m = n; m > 1;) {
    const tmp = a(m);
    set(m, a(1));
    m -= 1;
    siftDown(1, tmp, m);
  }
}
