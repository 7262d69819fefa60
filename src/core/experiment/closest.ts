/** "Did you mean": the known names closest to a misspelt one. */

/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

/**
 * The known names close enough to `name` to be what was meant, closest first: the same name in
 * another case, a few typing slips (a third of the name's length at most), or a name it starts.
 */
export function closestNames(name: string, known: readonly string[], most = 3): string[] {
  if (name === '') return [];
  const lower = name.toLowerCase();
  const scored = known
    .filter((candidate) => candidate !== name)
    .map((candidate) => {
      const distance = editDistance(name, candidate);
      const prefix = lower.length >= 3 && (candidate.toLowerCase().startsWith(lower) || lower.startsWith(candidate.toLowerCase()));
      return { candidate, distance, close: distance <= Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3)) || prefix };
    })
    .filter((entry) => entry.close)
    .sort((a, b) => a.distance - b.distance);
  return scored.slice(0, most).map((entry) => entry.candidate);
}
