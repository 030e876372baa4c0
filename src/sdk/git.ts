// The git commit, branch and dirty flag of the workspace, when it is a git repository.
import { execFileSync } from 'node:child_process';
import type { GitInfo } from '../core/model';

export function readGitInfo(cwd: string): GitInfo | undefined {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    let branch: string | undefined = git('rev-parse', '--abbrev-ref', 'HEAD');
    if (branch === 'HEAD') branch = undefined; // detached
    // .mlops/ is excluded: logging runs must not make the tree "dirty".
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude).mlops').length > 0;
    return { commit, branch, dirty };
  } catch {
    return undefined;
  }
}
