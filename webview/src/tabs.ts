// The dashboard's tab strip (Jobs, Results, Graph, Timeline, History) on vscode-elements' tabs, which bring VS Code's look and
// arrow-key navigation between headers. Each header carries `data-tab` so tests and the page can name a tab.
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { DASHBOARD_TABS } from '../../core/dashboard/protocol.js';
import type { DashboardTab } from '../../core/dashboard/protocol.js';
import { el } from './dom.js';

const TAB_LABELS: Record<DashboardTab, string> = { jobs: 'Jobs', results: 'Results', graph: 'Graph', timeline: 'Timeline', history: 'History' };

export class DashboardTabs {
  readonly element: HTMLElement;
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly counts = new Map<DashboardTab, HTMLElement>();
  private current: DashboardTab;

  constructor(panels: Record<DashboardTab, HTMLElement>, initial: DashboardTab, private readonly onChange: (tab: DashboardTab) => void) {
    this.current = initial;
    this.tabs = document.createElement('vscode-tabs') as HTMLElement & { selectedIndex: number };
    this.tabs.className = 'tabs';
    for (const tab of DASHBOARD_TABS) {
      const count = el('span', { className: 'tab-count' });
      this.counts.set(tab, count);
      const header = document.createElement('vscode-tab-header');
      header.setAttribute('slot', 'header');
      header.dataset.tab = tab;
      header.append(TAB_LABELS[tab], count);
      const panel = document.createElement('vscode-tab-panel');
      panel.dataset.panel = tab;
      panel.className = `tab-panel panel-${tab}`;
      panel.append(panels[tab]);
      this.tabs.append(header, panel);
    }
    this.tabs.selectedIndex = DASHBOARD_TABS.indexOf(initial);
    this.tabs.addEventListener('vsc-tabs-select', (event: Event) => {
      const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const tab = DASHBOARD_TABS[index];
      if (tab === undefined || tab === this.current) return;
      this.current = tab;
      this.onChange(tab);
    });
    this.element = this.tabs;
  }

  get selected(): DashboardTab {
    return this.current;
  }

  select(tab: DashboardTab): void {
    if (tab === this.current) return;
    this.current = tab;
    this.tabs.selectedIndex = DASHBOARD_TABS.indexOf(tab);
    this.onChange(tab);
  }

  /** A small count beside a tab's name (jobs shown, launches), empty for none. */
  setCount(tab: DashboardTab, text: string): void {
    const node = this.counts.get(tab);
    if (node && node.textContent !== text) node.textContent = text;
  }
}
