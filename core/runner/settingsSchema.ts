// The JSON schema of batchman.json: what VS Code offers (completion, hover, errors) through package.json's
// `jsonValidation`, and what the CLI checks every batchman.json against (schemaProblem). schemas/batchman.schema.json
// is this object written out; a unit test keeps the two equal.
import { PROGRAMS, PROGRAM_IDS } from '../programs/catalog.js';
import { RUN_TYPES } from '../programs/templates/types.js';

type Schema = Record<string, unknown>;

const MEMORY = '^\\s*\\d+(\\.\\d+)?\\s*([KkMmGgTt][Bb]?)?\\s*$';
const WALLTIME = '^\\s*(\\d+-)?\\d+(:\\d+){0,2}\\s*$|^\\s*\\d+-\\d+\\s*$';
const NAME = '^[A-Za-z0-9][A-Za-z0-9_.+-]*$';

const strings = (description: string): Schema => ({ type: 'array', items: { type: 'string', minLength: 1 }, description });

const slurm: Schema = {
  type: 'object',
  description: 'SLURM options, each layer over the one before: built-in defaults < slurm < the program\'s slurm < matching jobs entries < the row\'s columns.',
  additionalProperties: false,
  properties: {
    partition: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', patternErrorMessage: 'must be a partition name (letters, digits, _, -, .)', description: 'sbatch --partition.' },
    cores: { type: 'integer', minimum: 1, description: 'Cores per job: --cpus-per-task, or --ntasks when coresAs is "ntasks" (ORCA).' },
    memory: {
      type: ['string', 'integer'],
      pattern: MEMORY,
      minimum: 1,
      patternErrorMessage: 'must be memory like 4G, 4000M or 4000 (MB)',
      description: 'Memory of the whole job: 4G, 4000M, 4000 (MB), 4GB.',
    },
    walltime: { type: 'string', pattern: WALLTIME, patternErrorMessage: 'must be a time limit like HH:MM:SS or D-HH:MM:SS', description: 'sbatch --time: HH:MM:SS, D-HH:MM:SS, minutes.' },
    coresAs: { enum: ['cpus-per-task', 'ntasks'], description: 'How cores are asked for: threads of one task, or MPI tasks.' },
    extraArgs: {
      type: 'array',
      items: { type: 'string', pattern: '^-', patternErrorMessage: 'must be an option; write one "--name=value" per element' },
      description: 'More sbatch arguments, one element each ("--account=chem"). Layers add up.',
    },
  },
};

function commandSettings(extra: Record<string, Schema>, required: string[] = []): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
    properties: {
      ...extra,
      command: {
        type: 'string',
        minLength: 1,
        description:
          'One bash line. {basename} {input} {output} {cores} {memory} {walltime} {jobDir} become quoted words, {args} the job\'s program arguments (its job_config.json, else the defaults); do not quote them.',
      },
      modules: strings('`module load` names, each quoted.'),
      setup: strings('Lines run before the command, verbatim.'),
      env: { type: 'object', additionalProperties: { type: 'string' }, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, description: 'Exported variables; values are quoted.' },
      slurm: { $ref: '#/definitions/slurm' },
    },
  };
}

const sweepable = (what: string): Schema => ({
  description: `${what}; a list is a sweep: one job per value (per combination with the other lists), named by the values.`,
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
  ],
});

const TEMPLATE_PROGRAMS = PROGRAM_IDS.filter((id) => PROGRAMS[id].template !== undefined);

const step: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'program', 'runType'],
  properties: {
    name: { type: 'string', pattern: NAME, patternErrorMessage: 'must be letters, digits, _, ., + and - (it becomes a folder)', description: 'The step\'s folder in each molecule\'s folder and its jobs\' basename.' },
    program: { enum: TEMPLATE_PROGRAMS, description: 'The program of this step.' },
    runType: { enum: [...RUN_TYPES], description: 'opt, freq, opt+freq, sp, ts (Gaussian, ORCA), conformers (CREST).' },
    method: sweepable('Functional or method (B3LYP; gfn2 for xTB and CREST)'),
    basis: sweepable('Basis set (def2-SVP)'),
    dispersion: sweepable('Dispersion correction (D3BJ, D3, D4)'),
    solvent: sweepable('Implicit solvent (SMD in Gaussian, CPCM in ORCA, ALPB in xTB and CREST)'),
    keywords: strings('Extra keywords as the program writes them: route words, ! words, command-line flags.'),
    cores: { type: 'integer', minimum: 1, description: 'Cores of each job (%nprocshared, %pal; the row\'s cores column).' },
    memory: { ...(slurm['properties'] as Record<string, Schema>)['memory'], description: 'Memory of each job (8G); Gaussian\'s %mem and ORCA\'s %maxcore are derived from it.' },
    walltime: (slurm['properties'] as Record<string, Schema>)['walltime']!,
    partition: (slurm['properties'] as Record<string, Schema>)['partition']!,
    modules: strings('`module load` names for this step\'s jobs, instead of batchman.json\'s.'),
    setup: strings('Lines run before the command for this step\'s jobs, instead of batchman.json\'s.'),
    coordsFrom: { type: 'string', minLength: 1, description: 'An earlier step whose final geometry this step starts from.' },
    coordsFile: { type: 'string', minLength: 1, description: 'The file taken from coordsFrom (default: what it leaves after an optimisation).' },
    orbitalsFrom: { type: 'string', minLength: 1, description: 'An earlier ORCA step (coordsFrom\'s, or one it starts from) whose .gbw this ORCA step reads.' },
  },
};

export const BATCHMAN_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'batchman.json',
  description: 'Batchman\'s settings beside a batchfile: command lines, SLURM options, per-job overrides, restarts and pipelines for `batchman new`.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    comment: { description: 'Free text, ignored.' },
    programs: {
      type: 'object',
      additionalProperties: false,
      description: 'Per program: command line, modules, setup lines, environment, SLURM options.',
      properties: Object.fromEntries(PROGRAM_IDS.map((id) => [id, { $ref: '#/definitions/commandSettings', description: PROGRAMS[id].description }])),
    },
    slurm: { $ref: '#/definitions/slurm' },
    jobs: {
      type: 'array',
      description: 'Settings for the jobs whose basename matches (later entries win).',
      items: commandSettings(
        {
          match: { type: 'string', minLength: 1, description: 'A basename pattern: * any run of characters, ? one.' },
          program: { enum: [...PROGRAM_IDS], description: 'Only jobs of this program.' },
        },
        ['match'],
      ),
    },
    maxRestarts: { type: 'integer', minimum: 0, maximum: 100, description: 'Restarts per job with -r (default 2).' },
    pipelines: {
      type: 'object',
      description: '`batchman new --pipeline NAME`: steps in order, each a program with its settings. A name here redefines a built-in (xtb-opt-freq, crest-xtb, orca-opt-freq-sp, gaussian-opt-freq).',
      propertyNames: { pattern: NAME },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['steps'],
        properties: {
          description: { type: 'string' },
          steps: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
        },
      },
    },
  },
  definitions: { slurm, commandSettings: commandSettings({}), step },
};

/** A place in batchman.json that does not fit the schema: its dotted key and why. */
export interface SchemaProblem {
  readonly key: string;
  readonly problem: string;
}

/**
 * The first place where `value` does not fit `schema` (the subset of JSON schema BATCHMAN_SCHEMA uses: type, enum,
 * properties, additionalProperties, required, propertyNames, items, minItems, minLength, minimum, maximum, pattern with
 * patternErrorMessage, anyOf, $ref); undefined when it fits.
 */
export function schemaProblem(value: unknown, schema: Schema = BATCHMAN_SCHEMA, key = '', root: Schema = schema): SchemaProblem | undefined {
  if (typeof schema['$ref'] === 'string') {
    const name = (schema['$ref']).replace('#/definitions/', '');
    return schemaProblem(value, (root['definitions'] as Record<string, Schema>)[name]!, key, root);
  }
  const at = (problem: string) => ({ key, problem });
  if (Array.isArray(schema['anyOf'])) {
    const problems = (schema['anyOf'] as Schema[]).map((option) => schemaProblem(value, option, key, root));
    if (problems.some((problem) => problem === undefined)) return undefined;
    return at(`must be ${(schema['anyOf'] as Schema[]).map(typeWords).join(' or ')}`);
  }
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(value)) {
    return at(`must be one of ${(schema['enum'] as unknown[]).map((item) => JSON.stringify(item)).join(', ')}`);
  }
  if (schema['type'] !== undefined && !typeFits(value, schema['type'] as string | string[])) return at(`must be ${typeWords(schema)}`);
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && value.trim().length < schema['minLength']) return at('must not be empty');
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(value)) {
      return at(typeof schema['patternErrorMessage'] === 'string' ? schema['patternErrorMessage'] : `must match ${schema['pattern']}`);
    }
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return at(`must be at least ${schema['minimum']}`);
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) return at(`must be at most ${schema['maximum']}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) return at(`must have at least ${schema['minItems']} item${schema['minItems'] === 1 ? '' : 's'}`);
    if (schema['items'] !== undefined) {
      for (let index = 0; index < value.length; index++) {
        const problem = schemaProblem(value[index], schema['items'] as Schema, `${key}[${index}]`, root);
        if (problem) return problem;
      }
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return objectProblem(value as Record<string, unknown>, schema, key, root);
  return undefined;
}

function objectProblem(object: Record<string, unknown>, schema: Schema, key: string, root: Schema): SchemaProblem | undefined {
  const join = (name: string) => (key === '' ? name : `${key}.${name}`);
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  for (const name of (schema['required'] ?? []) as string[]) if (object[name] === undefined) return { key: join(name), problem: 'is required' };
  for (const [name, item] of Object.entries(object)) {
    const names = schema['propertyNames'] as Schema | undefined;
    if (names && typeof names['pattern'] === 'string' && !new RegExp(names['pattern']).test(name)) return { key: join(name), problem: 'is not a valid name here' };
    const own = properties[name];
    if (own) {
      const problem = schemaProblem(item, own, join(name), root);
      if (problem) return problem;
      continue;
    }
    const additional = schema['additionalProperties'];
    if (additional === false) {
      return { key: join(name), problem: `unknown key; expected ${Object.keys(properties).filter((p) => !p.startsWith('$')).join(', ')}` };
    }
    if (typeof additional === 'object' && additional !== null) {
      const problem = schemaProblem(item, additional as Schema, join(name), root);
      if (problem) return problem;
    }
  }
  return undefined;
}

function typeFits(value: unknown, type: string | readonly string[]): boolean {
  const types = typeof type === 'string' ? [type] : type;
  return types.some((name) => {
    switch (name) {
      case 'object':
        return typeof value === 'object' && value !== null && !Array.isArray(value);
      case 'array':
        return Array.isArray(value);
      case 'integer':
        return typeof value === 'number' && Number.isInteger(value);
      case 'number':
        return typeof value === 'number';
      default:
        return typeof value === name;
    }
  });
}

function typeWords(schema: Schema): string {
  const type = schema['type'];
  const words: Record<string, string> = { object: 'an object', array: 'a list', integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false' };
  if (type === undefined) return 'a value';
  return (typeof type === 'string' ? [type] : (type as string[])).map((name) => words[name] ?? name).join(' or ');
}
