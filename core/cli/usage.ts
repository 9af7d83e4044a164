// The CLI's usage text and its error type for bad usage (exit code 2).

export const USAGE = `Usage: batchman <command> [options]

Commands:
  validate FILE [--json] [--no-disk]
                              check a batchfile (--no-disk: the text alone, not the job folders);
                              exit 1 when it has errors
  status FILE [--json] [--watch] [-l LEDGER]
                              every job's status from disk plus one squeue (and one sacct);
                              findings about the file are summed up on stderr;
                              exit 1 when a job failed or is blocked by a failure, or the file has errors
  run FILE [-j N|auto] [-r [--job NAME]...] [--rerun NAME]... [--executor slurm|local|auto] [--name N]
           [--message M] [--tag T]... [--detach] [-l LEDGER]
                              run the batch to its end: submit jobs in dependency order, at most
                              N at a time; -r restarts failed jobs by cause (with --job: only the
                              named ones, failed or cancelled, once whatever the cause); --rerun
                              runs the named jobs again from their inputs whatever their status
                              (a succeeded one too), and every job that depends on them; each
                              old folder is kept as <folder>_history_N;
                              exit 1 unless all succeeded
  wait FILE [--timeout S]     wait until every job is final: 0 all succeeded, 1 some failed, 124 timeout
  cancel FILE [--job NAME]... cancel the batch, or only the named jobs
  history FILE [--json]       every launch of the batchfile, newest first: name, status (lost when
                              its runner died), times, job counts, message, tags, git commit
  results FILE [--json | --csv] [-l LEDGER]
                              what every job computed, read from whatever output its folder holds:
                              status, final energy, relative energy (kcal/mol, within one program,
                              method and formula), G, imaginary frequencies, optimisation steps,
                              wall time; writes {basename}.json (CCBatchMan's keys and ours) for
                              ended jobs that have none or an older one
  new --pipeline NAME --structures PATH... [-o BATCHFILE] [--root DIR] [--charge N] [--multiplicity N]
      [--dry-run]
                              a batch from structures (.xyz files, folders of them, multi-frame files):
                              one folder per molecule and step with its input and job_config.json, and
                              the batchfile's rows (added to an existing one); a folder that holds output
                              is never touched; charge and multiplicity from the flags, else the xyz
                              comment (charge=1 mult=2), else 0 and 1; --dry-run prints the plan only.
                              Pipelines: batchman.json's "pipelines" and the built-ins xtb-opt-freq,
                              crest-xtb, orca-opt-freq-sp, gaussian-opt-freq; exit 1 when refused
  help                        show this text

A job NAME is a basename only one job has, the job's folder as the batchfile writes it, or FOLDER/BASENAME
(molecule folders may all have an \`opt\`: \`mol2/opt\` or \`mol2/opt/opt\`); a name several jobs share is refused.

Exit codes: 0 success, 1 the work failed (errors in the file, failed jobs), 2 bad usage.`;

export class UsageError extends Error {}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
