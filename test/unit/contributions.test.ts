// The manifest against the code: every contributed command is in the one command table and back, menus name
// known commands and known tree items, settings are those of the one settings table (type, default, scope, values),
// and the server and the extension each read exactly the settings the table gives them.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SETTINGS, qualifiedKey, settingIdsOf } from '../../core/settings/index.js';
import type { SettingId, SettingKey } from '../../core/settings/index.js';
import { CONTEXT_VALUES } from '../../core/view/batchTree.js';
import { parseViewSettings } from '../../core/view/settings.js';
import { readSettings } from '../../server/src/settings.js';
import { InProcessServer } from '../support/inProcessServer.js';

interface CommandContribution {
  command: string;
  title: string;
  category?: string;
  icon?: string;
}
interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}
interface Manifest {
  main: string;
  extensionKind: string[];
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string | boolean } };
  contributes: {
    commands: CommandContribution[];
    menus: Record<string, MenuItem[]>;
    views: Record<string, { id: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    viewsWelcome: { view: string; contents: string }[];
    configuration: { properties: Record<string, SettingContribution> };
  };
}
interface SettingContribution {
  type?: string;
  default?: unknown;
  enum?: string[];
  minimum?: number;
  scope?: string;
  description?: string;
  markdownDescription?: string;
}
interface CommandTable {
  COMMANDS: Record<string, string>;
  VIEWS: { container: string; batches: string };
  CONTEXT_KEYS: Record<string, string>;
  TRUSTED_ONLY: ReadonlySet<string>;
}

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as Manifest;
// client/ is its own TypeScript project (it sees 'vscode'); the table itself is plain data, loaded at run time.
const tablePath = new URL('client/src/commands.ts', root).href;
const table = (await import(tablePath)) as CommandTable;
const ids = new Set(Object.values(table.COMMANDS));
const contributed = manifest.contributes.commands;
const contextValues = new Set<string>(Object.values(CONTEXT_VALUES));

describe('contributed commands', () => {
  test('every contributed command is in the command table, and every table entry is contributed', () => {
    const manifestIds = contributed.map((c) => c.command);
    assert.equal(new Set(manifestIds).size, manifestIds.length, 'a command is contributed twice');
    assert.deepEqual([...manifestIds].sort(), [...ids].sort());
  });

  test('every command id is batchman.* and has the category Batchman and a title', () => {
    for (const command of contributed) {
      assert.match(command.command, /^batchman\.[a-zA-Z]+$/);
      assert.equal(command.category, 'Batchman', command.command);
      assert.ok(command.title.length > 0 && !command.title.startsWith('Batchman'), `${command.command}: the category already says Batchman`);
    }
  });

  test('the extension source registers commands only through the table', () => {
    // Any literal 'batchman.xyz' command id in client/ outside commands.ts would bypass the table.
    const extension = readFileSync(new URL('client/src/extension.ts', root), 'utf8');
    assert.match(extension, /registerCommands\(/);
    assert.doesNotMatch(extension, /registerCommand\(\s*['"]batchman\./);
  });
});

describe('menus', () => {
  const views = new Set(Object.values(manifest.contributes.views).flat().map((v) => v.id));

  test('menus name only known commands', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) assert.ok(ids.has(item.command as never), `${menu}: unknown command ${item.command}`);
    }
  });

  test('view menus say which view, and item menus which kind of item', () => {
    for (const menu of ['view/title', 'view/item/context']) {
      for (const item of manifest.contributes.menus[menu] ?? []) {
        const when = item.when ?? '';
        const view = /^view == ([\w.]+)(?: && |$)/.exec(when)?.[1];
        assert.ok(view && views.has(view), `${menu} ${item.command}: when must start with view == <a contributed view>: ${when}`);
        if (menu !== 'view/item/context') continue;
        const exact = /&& viewItem == (\w+)$/.exec(when)?.[1];
        const pattern = /&& viewItem =~ \/(.+)\/$/.exec(when)?.[1];
        assert.ok(exact !== undefined || pattern !== undefined, `${item.command}: when must end with viewItem == … or viewItem =~ /…/: ${when}`);
        if (exact !== undefined) assert.ok(contextValues.has(exact), `${item.command}: unknown viewItem ${exact}`);
        if (pattern !== undefined) {
          const regex = new RegExp(pattern);
          const matched = [...contextValues].filter((value) => regex.test(value));
          assert.ok(matched.length > 0, `${item.command}: /${pattern}/ matches no tree item`);
          assert.ok(/^\^.*\$$/.test(pattern), `${item.command}: /${pattern}/ must be anchored`);
        }
      }
    }
  });

  test('tree-only commands are hidden from the palette; the palette menu names only known context keys', () => {
    const palette = new Map((manifest.contributes.menus.commandPalette ?? []).map((item) => [item.command, item.when]));
    for (const key of ['cancelJob', 'openJobOutput', 'openJobInput', 'openJobFolder', 'openJobTerminal', 'copyJobId']) {
      assert.equal(palette.get(table.COMMANDS[key]!), 'false', `${key} needs a tree item`);
    }
    for (const when of palette.values()) {
      const keys = (when ?? '').match(/batchman\.\w+/g) ?? [];
      for (const key of keys) assert.ok(Object.values(table.CONTEXT_KEYS).includes(key), `unknown context key ${key}`);
    }
  });

  test('the view and its container are the ones the table names', () => {
    assert.ok(views.has(table.VIEWS.batches));
    assert.ok(manifest.contributes.viewsContainers.activitybar.some((c) => c.id === table.VIEWS.container));
    assert.deepEqual(Object.keys(manifest.contributes.views), [table.VIEWS.container]);
    for (const welcome of manifest.contributes.viewsWelcome) {
      assert.ok(views.has(welcome.view));
      for (const [, command] of welcome.contents.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(ids.has(command as never), `welcome links ${command}`);
    }
  });
});

describe('settings', () => {
  const properties = manifest.contributes.configuration.properties;

  test('every setting has an explicit scope and a description', () => {
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(key.startsWith('batchman.'), key);
      assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(property.scope ?? ''), `${key}: scope ${property.scope}`);
      assert.ok((property.description ?? property.markdownDescription ?? '').length > 10, `${key}: description`);
    }
  });

  const ids = Object.keys(SETTINGS) as SettingId[];

  test('the manifest contributes exactly the settings of the table, each with its type, default, scope, values and minimum', () => {
    assert.deepEqual(Object.keys(properties).sort(), ids.map((id) => qualifiedKey(SETTINGS[id].key)).sort());
    for (const id of ids) {
      const spec = SETTINGS[id];
      const key = qualifiedKey(spec.key);
      const property = properties[key]!;
      assert.equal(property.type, spec.type, `${key}: type`);
      assert.deepEqual(property.default, spec.default, `${key}: default`);
      assert.equal(property.scope, spec.scope, `${key}: scope`);
      assert.deepEqual(property.enum, spec.values, `${key}: enum`);
      assert.equal(property.minimum, spec.minimum, `${key}: minimum`);
    }
  });

  test('what the code falls back to is the default the manifest shows', () => {
    for (const id of ids) assert.deepEqual(SETTINGS[id].parse(SETTINGS[id].default), SETTINGS[id].fallback, id);
  });

  test('the language server reads exactly the settings the table marks as its own, from the section it is sent', () => {
    const server = settingIdsOf('languageServer').map((id) => SETTINGS[id].key);
    assert.deepEqual(readKeys((section) => readSettings(section)), [...server].sort());
  });

  test('the language server applies each of its settings as the client sends them', async () => {
    // Every server setting away from its default, nested as VS Code sends the section.
    const server = await InProcessServer.start({ configuration: true, settings: { pipeStyle: 'angle', diagnostics: { debounceMs: 777, checkDisk: false } } });
    try {
      const uri = new URL('batchfile-settings.csv', root).href;
      const published = await server.openAndWait(uri, 'root_directory=.\njob_basename|job_directory|program|pipe\nopt|no/such/folder|xtb|\nsp|sp|orca|\n');
      assert.deepEqual(server.configurationRequests[0], { items: [{ scopeUri: uri, section: 'batchman' }] });
      assert.deepEqual(published.diagnostics.filter((d) => d.code === 'job-folder-missing'), [], 'checkDisk: false');
      const items = await server.completion(uri, { line: 3, character: 'sp|sp|orca|'.length });
      assert.equal(items.find((item) => item.label === 'coords')?.textEdit?.newText, 'coords<${1:../},${2}>', 'pipeStyle: angle');
      const timer = server.nextTimer();
      await server.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '' }]);
      assert.equal(await timer, 777, 'diagnostics.debounceMs');
    } finally {
      await server.stop();
    }
  });

  test('the extension reads exactly the settings the table marks as its own', () => {
    const read = new Set<SettingKey>();
    parseViewSettings((key) => {
      read.add(key);
      return undefined;
    });
    assert.deepEqual([...read].sort(), settingIdsOf('extension').map((id) => SETTINGS[id].key).sort());
  });

  test('every setting is read by someone, and says what a change of it sets in motion', () => {
    const effects: Record<string, string[]> = {};
    for (const id of ids) (effects[SETTINGS[id].readBy] ??= []).push(SETTINGS[id].onChange);
    // The server pulls its settings again on every change; the client library reads the trace setting when it starts.
    assert.deepEqual(new Set(effects.languageServer), new Set(['revalidate']));
    assert.deepEqual(new Set(effects.languageClient), new Set(['restartLanguageServer']));
    assert.ok(!(effects.extension ?? []).some((effect) => effect === 'revalidate' || effect === 'restartLanguageServer'));
    assert.equal(ids.length, (effects.languageServer?.length ?? 0) + (effects.languageClient?.length ?? 0) + (effects.extension?.length ?? 0));
  });

  test('no setting key is spelled outside the table', () => {
    // `batchman.<key>` anywhere, and dotted keys (`poll.floorSeconds`) on their own; a bare word such as `executor`
    // is too common to mean the setting.
    const escape = (key: string): string => key.replace(/\./g, '\\.');
    const keys = ids.map((id) => SETTINGS[id].key);
    const spelled = keys.map((key) => `batchman\\.${escape(key)}`).concat(keys.filter((key) => key.includes('.')).map(escape));
    // String literals only: a comment may name a setting in backticks.
    const pattern = new RegExp(`(['"])(?:${spelled.join('|')})\\1`);
    const offenders: string[] = [];
    for (const file of sourceFiles(['client/src', 'server/src', 'core'])) {
      if (file === 'core/settings/table.ts') continue;
      readFileSync(new URL(file, root), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (pattern.test(line)) offenders.push(`${file}:${index + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offenders, []);
  });

  test('paths of programs the extension runs cannot come from a workspace', () => {
    for (const key of ['sbatchPath', 'squeuePath', 'sacctPath', 'scancelPath']) assert.equal(properties[`batchman.slurm.${key}`]?.scope, 'machine');
  });
});

describe('activation, trust and kind', () => {
  test('activates on the language, on batch files in the workspace and on the view', () => {
    for (const event of ['onLanguage:batchfile', 'workspaceContains:**/__ledger__.csv', 'onView:batchman.batches']) {
      assert.ok(manifest.activationEvents.includes(event), event);
    }
  });

  test('limited support in untrusted workspaces; the commands that start or stop work stay visible and explain', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    // A command disabled by `enablement` vanishes from the palette without a word: the handler refuses instead, with
    // a Manage Workspace Trust action (batchCommands.ts).
    for (const key of table.TRUSTED_ONLY) {
      const command = contributed.find((c) => c.command === table.COMMANDS[key]) as (CommandContribution & { enablement?: string }) | undefined;
      assert.ok(command, key);
      assert.equal(command.enablement, undefined, key);
    }
  });

  test('runs where the workspace is (the cluster under Remote-SSH)', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.equal(manifest.main, './dist/extension.js');
  });
});

/** The keys (dotted, under the section) a reader of a `workspace/configuration` section looks up in it. */
function readKeys(reader: (section: unknown) => unknown): string[] {
  const paths = new Set<string>();
  const node = (path: string): object =>
    new Proxy(
      {},
      {
        get: (_target, property) => {
          if (typeof property !== 'string') return undefined;
          const child = path === '' ? property : `${path}.${property}`;
          paths.add(child);
          return node(child);
        },
      },
    );
  reader(node(''));
  // Only leaves are settings: `diagnostics` is read on the way to `diagnostics.debounceMs`.
  return [...paths].filter((path) => ![...paths].some((other) => other.startsWith(`${path}.`))).sort();
}

/** The TypeScript files under `dirs`, relative to the repository root. */
function sourceFiles(dirs: readonly string[]): string[] {
  const rootPath = fileURLToPath(root);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.ts') ? [relative(rootPath, path)] : [];
    });
  return dirs.flatMap((dir) => walk(join(rootPath, dir)));
}
