// The page's side of the webview channel: VS Code's API (acquireVsCodeApi, callable once), typed posting, the UI
// intent kept with getState/setState, and the host's messages.
import { DASHBOARD_TABS, isHostToPageMessage, message } from '../../core/dashboard/protocol.js';
import { resultsQueryOf } from '../../core/dashboard/page/results.js';
import type { DashboardLayout, DashboardResultsViewState, DashboardTab, DashboardViewState, HostToPageMessage, MessageType } from '../../core/dashboard/protocol.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export class Host {
  private readonly api: VsCodeApi = acquireVsCodeApi();

  post<M extends string, P>(type: MessageType<M, P>, params: P): void {
    this.api.postMessage(message(type, params));
  }

  /** The UI intent saved before a reload, if it looks like ours. */
  savedState(): DashboardViewState | undefined {
    const state = this.api.getState();
    if (typeof state !== 'object' || state === null) return undefined;
    const candidate = state as Partial<DashboardViewState>;
    if (!Array.isArray(candidate.statuses) || typeof candidate.search !== 'string') return undefined;
    const tab = DASHBOARD_TABS.includes(candidate.tab as DashboardTab) ? (candidate.tab as DashboardTab) : 'jobs';
    return {
      batchId: typeof candidate.batchId === 'string' ? candidate.batchId : null,
      sort: candidate.sort ?? null,
      statuses: candidate.statuses,
      search: candidate.search,
      selected: candidate.selected ?? null,
      tab,
      ...layoutOf(candidate.layout),
      ...resultsOf(candidate.results),
    };
  }

  saveState(state: DashboardViewState): void {
    this.api.setState(state);
  }

  /** Calls `handler` for each message from the host; anything else posted to the window is ignored. */
  onMessage(handler: (message: HostToPageMessage) => void): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (isHostToPageMessage(event.data)) handler(event.data);
    });
  }
}

/** The saved layout, each field checked (state from an older build or hand-edited keeps the defaults). */
function layoutOf(value: unknown): { layout?: DashboardLayout } {
  if (typeof value !== 'object' || value === null) return {};
  const { headerCollapsed, detailShare } = value as Partial<DashboardLayout>;
  return {
    layout: {
      headerCollapsed: typeof headerCollapsed === 'boolean' ? headerCollapsed : null,
      detailShare: typeof detailShare === 'number' && Number.isFinite(detailShare) ? detailShare : null,
    },
  };
}

/** The Results tab's saved sort, filter and unit, checked. */
function resultsOf(value: unknown): { results?: DashboardResultsViewState } {
  const results = resultsQueryOf(value);
  return results ? { results } : {};
}
