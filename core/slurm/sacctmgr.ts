// What the site's accounting says a user may queue: sacctmgr's arguments, a strict parser of its answers, and the
// submit limits that apply to a job submitted without --account or --qos.

/** The user's associations with their default account, in one call. */
export const USER_ASSOC_FIELDS = ['User', 'DefaultAccount', 'Cluster', 'Account', 'Partition', 'MaxSubmit', 'MaxJobs', 'GrpSubmit', 'GrpJobs', 'DefaultQOS', 'QOS'] as const;

/** Every QOS with the job-count limits a QOS can set. */
export const QOS_FIELDS = ['Name', 'MaxSubmitJobsPerUser', 'MaxJobsPerUser', 'MaxSubmitJobsPerAccount', 'MaxJobsPerAccount', 'GrpSubmitJobs', 'GrpJobs'] as const;

export function userAssocArgs(user: string): string[] {
  return ['-n', '-P', 'show', 'user', user, 'withassoc', `format=${USER_ASSOC_FIELDS.join(',')}`];
}

export function qosArgs(): string[] {
  return ['-n', '-P', 'show', 'qos', `format=${QOS_FIELDS.join(',')}`];
}

export interface UserAssociation {
  user: string;
  defaultAccount: string;
  cluster: string;
  account: string;
  partition: string;
  maxSubmit: number | undefined;
  maxJobs: number | undefined;
  grpSubmit: number | undefined;
  grpJobs: number | undefined;
  defaultQos: string;
  /** The QOS the association may use. */
  qos: string[];
}

export interface QosLimits {
  name: string;
  maxSubmitJobsPerUser: number | undefined;
  maxJobsPerUser: number | undefined;
  maxSubmitJobsPerAccount: number | undefined;
  maxJobsPerAccount: number | undefined;
  grpSubmitJobs: number | undefined;
  grpJobs: number | undefined;
}

export class SacctmgrParseError extends Error {
  override readonly name = 'SacctmgrParseError';
}

/** An empty cell is "no limit"; anything but a whole number means the answer is not what was asked for. */
function limit(cell: string, line: string): number | undefined {
  if (cell === '') return undefined;
  if (!/^\d+$/.test(cell)) throw new SacctmgrParseError(`not a job count: ${JSON.stringify(cell)} in ${JSON.stringify(line)}`);
  return Number(cell);
}

function rows(stdout: string, width: number): { cells: string[]; line: string }[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = line.split('|');
      if (cells.length !== width) throw new SacctmgrParseError(`expected ${width} fields, got ${cells.length}: ${JSON.stringify(line.slice(0, 200))}`);
      return { cells, line };
    });
}

export function parseUserAssociations(stdout: string): UserAssociation[] {
  return rows(stdout, USER_ASSOC_FIELDS.length).map(({ cells, line }) => {
    const [user, defaultAccount, cluster, account, partition, maxSubmit, maxJobs, grpSubmit, grpJobs, defaultQos, qos] = cells as [string, string, string, string, string, string, string, string, string, string, string];
    return {
      user,
      defaultAccount,
      cluster,
      account,
      partition,
      maxSubmit: limit(maxSubmit, line),
      maxJobs: limit(maxJobs, line),
      grpSubmit: limit(grpSubmit, line),
      grpJobs: limit(grpJobs, line),
      defaultQos,
      qos: qos.split(',').filter((name) => name !== ''),
    };
  });
}

export function parseQos(stdout: string): QosLimits[] {
  return rows(stdout, QOS_FIELDS.length).map(({ cells, line }) => {
    const [name, maxSubmitJobsPerUser, maxJobsPerUser, maxSubmitJobsPerAccount, maxJobsPerAccount, grpSubmitJobs, grpJobs] = cells as [string, string, string, string, string, string, string];
    return {
      name,
      maxSubmitJobsPerUser: limit(maxSubmitJobsPerUser, line),
      maxJobsPerUser: limit(maxJobsPerUser, line),
      maxSubmitJobsPerAccount: limit(maxSubmitJobsPerAccount, line),
      maxJobsPerAccount: limit(maxJobsPerAccount, line),
      grpSubmitJobs: limit(grpSubmitJobs, line),
      grpJobs: limit(grpJobs, line),
    };
  });
}

/** One limit on how many jobs may be queued (pending or running), and where it is set. */
export interface SubmitLimit {
  limit: number;
  /** e.g. `QOS limited MaxSubmitJobsPerUser`, `association chem MaxSubmitJobs`. */
  source: string;
}

/**
 * The limits on queued jobs that a job submitted without --account or --qos meets: those of the user's
 * associations under the default account (every cluster and partition: the strictest wins, as the job's
 * cluster and partition are not known here) and of each association's default QOS.
 *
 * MaxJobs and GrpJobs are left out on purpose: they bound running jobs, and SLURM queues past them
 * (the job pends with reason QOSMaxJobsPerUserLimit) instead of refusing, so holding jobs back for them
 * would only slow a batch down.
 */
export function submitLimits(associations: readonly UserAssociation[], qos: readonly QosLimits[]): SubmitLimit[] {
  const defaultAccount = associations.find((a) => a.defaultAccount !== '')?.defaultAccount;
  const used = associations.filter((a) => defaultAccount === undefined || a.account === defaultAccount);
  const limits: SubmitLimit[] = [];
  const qosNames = new Set<string>();
  for (const a of used) {
    if (a.maxSubmit !== undefined) limits.push({ limit: a.maxSubmit, source: `association ${a.account} MaxSubmitJobs` });
    if (a.grpSubmit !== undefined) limits.push({ limit: a.grpSubmit, source: `association ${a.account} GrpSubmitJobs` });
    const name = defaultQosOf(a);
    if (name !== undefined) qosNames.add(name);
  }
  for (const q of qos.filter((entry) => qosNames.has(entry.name))) {
    if (q.maxSubmitJobsPerUser !== undefined) limits.push({ limit: q.maxSubmitJobsPerUser, source: `QOS ${q.name} MaxSubmitJobsPerUser` });
    if (q.maxSubmitJobsPerAccount !== undefined) limits.push({ limit: q.maxSubmitJobsPerAccount, source: `QOS ${q.name} MaxSubmitJobsPerAccount` });
    if (q.grpSubmitJobs !== undefined) limits.push({ limit: q.grpSubmitJobs, source: `QOS ${q.name} GrpSubmitJobs` });
  }
  return limits.sort((x, y) => x.limit - y.limit);
}

/** SLURM's own choice when no DefaultQOS is set: the only QOS allowed, else `normal` when allowed. */
function defaultQosOf(association: UserAssociation): string | undefined {
  if (association.defaultQos !== '') return association.defaultQos;
  if (association.qos.length === 1) return association.qos[0];
  return association.qos.includes('normal') ? 'normal' : undefined;
}
