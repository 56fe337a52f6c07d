/** Lets the event loop serve what is waiting (requests, timers) before going on. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}
