// A job's identity: its folder and its basename, as CCBatchMan keys its ledger (`job_directory, job_basename`).
// Plain strings with no Node imports, so the dashboard's page may compare the keys the host sends it.

/**
 * The one key of a job everywhere (ledger rows, truth, runner, views, the dashboard's page): its resolved folder and
 * its basename. Molecule folders reuse step names (`mol1/opt` and `mol2/opt` are both `opt`), so a basename alone is
 * not a job. `|` separates them: it cannot stand in a batchfile cell, so the basename after the last `|` is whole.
 */
export function jobKey(folder: string, basename: string): string {
  return `${folder}|${basename}`;
}

/** The key of a ledger row or a job's truth or view, whose `directory` is the resolved job folder. */
export function keyOf(job: { readonly directory: string; readonly basename: string }): string {
  return jobKey(job.directory, job.basename);
}

/** The key of a batchfile's job, whose `path` is its resolved folder (its `directory` is the cell as written). */
export function keyOfModelJob(job: { readonly path: string; readonly basename: string }): string {
  return jobKey(job.path, job.basename);
}
