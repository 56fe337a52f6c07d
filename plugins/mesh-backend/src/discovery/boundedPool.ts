/**
 * Runs `task` over `items` with at most `concurrency` in flight. Each result is handled by
 * the task itself, as soon as it is ready: nothing waits for the slowest item.
 */
export async function runBounded<T>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const workers = Array.from(
    { length: Math.max(1, Math.min(concurrency, queue.length)) },
    async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        await task(item);
      }
    },
  );
  await Promise.all(workers);
}
