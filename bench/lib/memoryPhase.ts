import v8 from 'node:v8';
import { peakRssMiB } from './child';

/** What a process holds at one point of a bench, in MiB. */
export interface MemoryPhase {
  phase: string;
  /** Resident set now, after a full GC when the process runs with `--expose-gc`. */
  rssMiB: number;
  /** Live JavaScript objects (V8's used heap). */
  heapUsedMiB: number;
  /** What V8 holds for its heap, used or free: it returns free pages to the system lazily. */
  heapTotalMiB: number;
  /** Memory outside the JS heap that JS objects hold (Buffers, native addons' allocations). */
  externalMiB: number;
  /** The kernel's high-water mark of the resident set so far. */
  peakRssMiB: number;
}

const MiB = 2 ** 20;

/**
 * The process's memory now. With `--expose-gc` it collects first, so the heap figure is what
 * is retained rather than what the last phase left for the collector. RSS minus heap minus
 * external is mostly native memory: V8's code and free pages, SQLite's, the allocator's.
 */
export function memoryPhase(phase: string, peakMiB?: number): MemoryPhase {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return {
    phase,
    rssMiB: Math.round(usage.rss / MiB),
    heapUsedMiB: Math.round(v8.getHeapStatistics().used_heap_size / MiB),
    heapTotalMiB: Math.round(usage.heapTotal / MiB),
    externalMiB: Math.round(usage.external / MiB),
    peakRssMiB: Math.round(peakMiB ?? peakRssMiB()),
  };
}
