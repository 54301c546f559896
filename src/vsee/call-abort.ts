/**
 * What aborts one VSee call: its own timer or the flow's deadline. A plain object that axios accepts
 * as its `signal` (its GenericAbortSignal) and our adapter listens to, instead of an AbortController
 * per call: Node's EventTarget made creating one and adding and removing its listeners ~20 µs of a
 * call's CPU, for a signal with one listener that fires at most once.
 */
export class CallAbort {
  aborted = false;
  private listener?: () => void;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }

  /** One listener at a time (the adapter's); a second replaces the first. */
  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.listener === listener) this.listener = undefined;
  }
}
