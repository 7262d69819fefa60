/** Where a run's embed steps look: model folders relative to the experiment file, the disk cache in the workspace's run store. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The embedding cache's folder under a workspace. */
export function embedCacheDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, '.mlwb', 'cache', 'embed');
}

/**
 * The embed locations of a run of `experimentFile`: its folder, and the cache of `workspaceRoot`
 * (when not given: of the nearest folder above the file that holds a `.mlwb` run store; none, no disk cache).
 */
export function embedLocations(experimentFile: string, workspaceRoot?: string): { baseDir: string; cacheDir?: string } {
  const baseDir = path.dirname(path.resolve(experimentFile));
  let root = workspaceRoot;
  for (let dir = baseDir; root === undefined; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.mlwb'))) root = dir;
    if (path.dirname(dir) === dir) break;
  }
  return root === undefined ? { baseDir } : { baseDir, cacheDir: embedCacheDir(root) };
}
