// The manifest against the code: every contributed command is in the one command table and back, menus name
// known commands and known tree items, settings have a scope and a description and are the ones the code reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CONTEXT_VALUES } from '../../core/view/batchTree.js';
import { SETTING_KEYS } from '../../core/view/settings.js';

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
    configuration: { properties: Record<string, { scope?: string; description?: string; markdownDescription?: string }> };
  };
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

  test('the settings the code reads are exactly the contributed ones', () => {
    assert.deepEqual(Object.keys(properties).sort(), Object.values(SETTING_KEYS).map((key) => `batchman.${key}`).sort());
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

  test('limited support in untrusted workspaces; the commands that start or stop work need trust', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    for (const key of table.TRUSTED_ONLY) {
      const command = contributed.find((c) => c.command === table.COMMANDS[key]) as (CommandContribution & { enablement?: string }) | undefined;
      assert.equal(command?.enablement, 'isWorkspaceTrusted', key);
    }
  });

  test('runs where the workspace is (the cluster under Remote-SSH)', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.equal(manifest.main, './dist/extension.js');
  });
});
