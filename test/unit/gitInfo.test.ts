// Git facts of a batchfile's folder, read from real repositories made in a temp folder with the real git.
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { execa } from 'execa';
import { readGitInfo } from '../../core/runner/gitInfo.js';
import { findOnPath } from '../../core/slurm/detect.js';
import { tempDir, tempDirs } from '../support/tempDir.js';

const hasGit = findOnPath('git') !== undefined;
const skip = hasGit || process.env.CI === 'true' ? false : 'git is not installed';

async function git(dir: string, ...args: string[]): Promise<string> {
  const env = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.org' };
  return (await execa('git', ['-C', dir, ...args], { env, timeout: 30_000 })).stdout.trim();
}

describe('readGitInfo', { skip }, () => {
  let repo: string;
  let commit: string;
  const suiteDir = tempDirs();
  before(async () => {
    repo = realpathSync(suiteDir('batchman-git-'));
    await git(repo, 'init', '--quiet', '--initial-branch=main');
    mkdirSync(join(repo, 'calcs', 'mol1'), { recursive: true });
    writeFileSync(join(repo, 'calcs', 'batchfile.csv'), 'root_directory=.\n');
    await git(repo, 'add', '.');
    await git(repo, '-c', 'commit.gpgsign=false', 'commit', '--quiet', '-m', 'first');
    commit = await git(repo, 'rev-parse', 'HEAD');
  });

  it('reads repository, branch, commit and a clean tree from a subfolder', async () => {
    assert.deepEqual(await readGitInfo(join(repo, 'calcs', 'mol1')), { repository: repo, remote: null, branch: 'main', commit, dirty: false });
  });

  it('untracked files (job outputs) do not make it dirty; a changed tracked file does', async () => {
    writeFileSync(join(repo, 'calcs', 'mol1', 'opt.out'), 'output');
    assert.equal((await readGitInfo(repo))?.dirty, false);
    writeFileSync(join(repo, 'calcs', 'batchfile.csv'), 'root_directory=..\n');
    assert.equal((await readGitInfo(repo))?.dirty, true);
    await git(repo, 'checkout', '--quiet', '--', 'calcs/batchfile.csv');
  });

  it('names the origin remote, and gives no branch on a detached HEAD', async () => {
    await git(repo, 'remote', 'add', 'origin', 'git@example.org:lab/calcs.git');
    await git(repo, 'checkout', '--quiet', '--detach');
    const info = await readGitInfo(repo);
    assert.equal(info?.remote, 'git@example.org:lab/calcs.git');
    assert.equal(info?.branch, null);
    assert.equal(info?.commit, commit);
    await git(repo, 'checkout', '--quiet', 'main');
  });

  it('a repository without commits: the branch, no commit', async (t) => {
    const fresh = realpathSync(tempDir(t, 'batchman-git-empty-'));
    await git(fresh, 'init', '--quiet', '--initial-branch=trunk');
    assert.deepEqual(await readGitInfo(fresh), { repository: fresh, remote: null, branch: 'trunk', commit: null, dirty: false });
  });

  it('null outside a repository, for a missing folder, and when git is missing', async (t) => {
    const plain = tempDir(t, 'batchman-nogit-');
    assert.equal(await readGitInfo(plain), null);
    assert.equal(await readGitInfo(join(plain, 'nope')), null);
    assert.equal(await readGitInfo(repo, { git: join(plain, 'no-such-git') }), null);
  });

  it('a git that hangs is cut off by the timeout', async (t) => {
    const dir = tempDir(t, 'batchman-hang-');
    const fake = join(dir, 'git');
    writeFileSync(fake, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const started = Date.now();
    assert.equal(await readGitInfo(repo, { git: fake, timeoutMs: 300 }), null);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});
