import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The code of a git ref beside this tree, for a benchmark's `--against <ref>`: a copy of its tree in
 * /tmp (git archive, made once per commit) with this tree's node_modules linked, so both sides run on
 * the same libraries. Returns the short commit and the copy's directory.
 */
export function refTree(ref: string, bench: string): { sha: string; dir: string } {
  const sha = execFileSync('git', ['rev-parse', '--short', ref], { encoding: 'utf8' }).trim();
  const dir = resolve(`/tmp/${bench}-bench-${sha}`);
  if (!existsSync(join(dir, 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C ${dir}`]);
    symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'));
  }
  return { sha, dir };
}
