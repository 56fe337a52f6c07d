import { LRUCache } from 'lru-cache';

/** Answers of every configured Prometheus, keyed by URL and query; in-flight queries are shared. */
export type AnswerCache = LRUCache<string, Promise<unknown>>;

/** How many distinct answers are kept at most; each is one small JSON document. */
const MAX_ANSWERS = 500;

/**
 * The cache of Prometheus answers, or none when `ttlMs` is 0: lru-cache reads a `ttl` of 0
 * as "never expires", the opposite of what `mesh.prometheus.cacheTtl: 0` asks for.
 */
export function createAnswerCache(ttlMs: number): AnswerCache | undefined {
  if (ttlMs <= 0) {
    return undefined;
  }
  return new LRUCache<string, Promise<unknown>>({
    max: MAX_ANSWERS,
    ttl: ttlMs,
  });
}
