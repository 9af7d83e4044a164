// A tiny typed event emitter for core (the VS Code adapters wrap it; core never imports vscode).

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (event: T) => void;

/** Subscribes a listener; dispose() the result to unsubscribe. */
export type Event<T> = (listener: Listener<T>) => Disposable;

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  readonly event: Event<T> = (listener) => {
    // a wrapper per subscription, so the same function may subscribe twice and dispose once
    const entry: Listener<T> = (event) => listener(event);
    this.listeners.add(entry);
    return { dispose: () => this.listeners.delete(entry) };
  };

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Calls every listener; one that throws does not stop the others (the error goes to onError). */
  fire(event: T, onError?: (error: unknown) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        onError?.(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
