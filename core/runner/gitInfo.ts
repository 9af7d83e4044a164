// Git facts about a batchfile's folder for its batch record: repository, branch, commit, dirty; null outside git.
import { execa } from 'execa';

export interface GitInfo {
  /** The repository's top-level folder. */
  repository: string;
  /** The `origin` remote's URL, when there is one: it names the repository across machines. */
  remote: string | null;
  /** Null on a detached HEAD. */
  branch: string | null;
  /** The full commit hash of HEAD; null in a repository without commits yet. */
  commit: string | null;
  /** Tracked files differ from HEAD (untracked files do not count: job outputs would always make it dirty); null when unknown. */
  dirty: boolean | null;
}

export interface GitInfoOptions {
  /** Per git call; a huge or networked repository must not hold up a launch. Default 10 s. */
  timeoutMs?: number;
  /** The git executable; default `git` on PATH. */
  git?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Reads the git state of `dir`; null when `dir` is not inside a work tree or git is missing or fails. */
export async function readGitInfo(dir: string, options: GitInfoOptions = {}): Promise<GitInfo | null> {
  const git = (args: readonly string[]) => runGit(options.git ?? 'git', dir, args, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const top = await git(['rev-parse', '--show-toplevel']);
  if (top === null || top.exitCode !== 0 || top.stdout === '') return null;
  const [branch, commit, status, remote] = await Promise.all([
    // symbolic-ref works on an unborn branch too, where `rev-parse --abbrev-ref HEAD` fails
    git(['symbolic-ref', '--quiet', '--short', 'HEAD']),
    git(['rev-parse', '--verify', '--quiet', 'HEAD']),
    git(['status', '--porcelain', '--untracked-files=no']),
    git(['config', '--get', 'remote.origin.url']),
  ]);
  return {
    repository: top.stdout,
    remote: remote?.exitCode === 0 && remote.stdout !== '' ? remote.stdout : null,
    branch: branch?.exitCode === 0 && branch.stdout !== '' ? branch.stdout : null,
    commit: commit?.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(commit.stdout) ? commit.stdout : null,
    dirty: status?.exitCode === 0 ? status.stdout !== '' : null,
  };
}

interface GitResult {
  exitCode: number;
  stdout: string;
}

/** Runs one git command; null when git could not run at all or timed out. */
async function runGit(git: string, dir: string, args: readonly string[], timeoutMs: number): Promise<GitResult | null> {
  try {
    const result = await execa(git, ['-C', dir, ...args], {
      reject: false,
      timeout: timeoutMs,
      forceKillAfterDelay: 1000,
      stdin: 'ignore',
      encoding: 'utf8',
      // No index.lock for `git status` (a user's own git command must not collide with a launch); stable messages.
      env: { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' },
    });
    if (result.failed && (result.timedOut || result.exitCode === undefined)) return null;
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout ?? '').trim() };
  } catch {
    return null;
  }
}
