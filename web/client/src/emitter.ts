// A minimal typed event emitter (no dependency on Node's EventEmitter, so it runs in browsers).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

export class Emitter<Events extends { [K in keyof Events]: Listener }> {
  private listeners = new Map<string, Set<Listener>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events & string>(event: K, fn: Events[K]): () => void;
  on(event: string, fn: Listener): () => void;
  on(event: string, fn: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => this.off(event, fn);
  }

  /** Like on, for one call only. */
  once<K extends keyof Events & string>(event: K, fn: Events[K]): () => void;
  once(event: string, fn: Listener): () => void;
  once(event: string, fn: Listener): () => void {
    const off = this.on(event, (...args: unknown[]) => {
      off();
      fn(...args);
    });
    return off;
  }

  off(event: string, fn: Listener): void {
    this.listeners.get(event)?.delete(fn);
  }

  protected emit(event: string, ...args: unknown[]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (e) {
        // A throwing listener must not break the connection's packet processing.
        setTimeout(() => {
          throw e;
        });
      }
    }
  }
}
