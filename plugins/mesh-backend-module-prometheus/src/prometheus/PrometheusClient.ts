import type { AnswerCache } from './answerCache';
import type {
  InstantSample,
  RangeSeries,
} from '@meshport/backstage-plugin-mesh-node';
import {
  PrometheusError,
  classifyFetchError,
  classifyHttpStatus,
} from './PrometheusError';

export interface PrometheusClientOptions {
  /** How the Prometheus is named in messages: `cluster-1`, `global`. */
  name: string;
  /** Base URL from config; `/api/v1/...` is appended (a path prefix, as behind Thanos or a proxy, is kept). */
  baseUrl: string;
  timeoutMs: number;
  /** Shared cache of answers; in-flight queries are shared too. */
  cache?: AnswerCache;
  /** Injected in tests; Node's global fetch otherwise. */
  fetchFn?: typeof fetch;
}

/** The `data` field of a successful answer; its fields are checked where they are used. */
interface QueryData {
  resultType?: unknown;
  result?: unknown;
}

function parseSampleValue(raw: unknown): number {
  // Prometheus encodes sample values as strings, including "NaN", "+Inf" and "-Inf".
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (typeof raw !== 'string') {
    throw new Error(`sample value ${JSON.stringify(raw)} is not a string`);
  }
  return raw === 'NaN' ? NaN : Number(raw);
}

/**
 * A minimal client of the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`),
 * also spoken by Thanos Query, Cortex and Mimir. Queries are POSTed as a form so long
 * selectors never hit URL length limits.
 */
export class PrometheusClient {
  readonly name: string;
  private readonly base: URL;

  constructor(private readonly options: PrometheusClientOptions) {
    this.name = options.name;
    this.base = new URL(
      options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
    );
  }

  /** Evaluates `query` at `time` (unix seconds). */
  async instant(query: string, time: number): Promise<InstantSample[]> {
    const data = await this.call('query', { query, time: String(time) });
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) {
      throw this.malformed(`expected a vector, got ${String(data.resultType)}`);
    }
    const result = data.result as Array<{ metric?: unknown; value?: unknown }>;
    return result.map(r => {
      if (!Array.isArray(r.value)) {
        throw this.malformed('a vector sample has no value');
      }
      return {
        labels: (r.metric ?? {}) as Record<string, string>,
        value: parseSampleValue(r.value[1]),
      };
    });
  }

  /** Evaluates `query` from `start` to `end` (unix seconds) every `stepSeconds`. */
  async range(
    query: string,
    start: number,
    end: number,
    stepSeconds: number,
  ): Promise<RangeSeries[]> {
    const data = await this.call('query_range', {
      query,
      start: String(start),
      end: String(end),
      step: String(stepSeconds),
    });
    if (data.resultType !== 'matrix' || !Array.isArray(data.result)) {
      throw this.malformed(`expected a matrix, got ${String(data.resultType)}`);
    }
    const result = data.result as Array<{ metric?: unknown; values?: unknown }>;
    return result.map(r => {
      if (!Array.isArray(r.values)) {
        throw this.malformed('a matrix series has no values');
      }
      return {
        labels: (r.metric ?? {}) as Record<string, string>,
        points: (r.values as unknown[][]).map(
          p => [Number(p[0]), parseSampleValue(p[1])] as [number, number],
        ),
      };
    });
  }

  private malformed(detail: string): PrometheusError {
    return new PrometheusError(
      'malformed-response',
      `Prometheus ${this.name} sent an unexpected answer: ${detail}`,
    );
  }

  private call(
    endpoint: 'query' | 'query_range',
    params: Record<string, string>,
  ): Promise<QueryData> {
    const cache = this.options.cache;
    // The base URL is part of the key: several Prometheus share one cache.
    const key = `${this.base.href} ${endpoint} ${JSON.stringify(params)}`;
    const cached = cache?.get(key);
    if (cached) {
      return cached as Promise<QueryData>;
    }
    const pending = this.fetchData(endpoint, params);
    if (cache) {
      cache.set(key, pending);
      // A failure is not remembered: the next page load retries at once.
      pending.catch(() => cache.delete(key));
    }
    return pending;
  }

  private async fetchData(
    endpoint: 'query' | 'query_range',
    params: Record<string, string>,
  ): Promise<QueryData> {
    const { timeoutMs } = this.options;
    const fetchFn = this.options.fetchFn ?? fetch;
    const url = new URL(`api/v1/${endpoint}`, this.base);
    // Credentials in the URL (user:pass@) would make fetch refuse; send them as a header.
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (url.username || url.password) {
      headers.authorization = `Basic ${Buffer.from(
        `${decodeURIComponent(url.username)}:${decodeURIComponent(
          url.password,
        )}`,
      ).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    const body = new URLSearchParams({ ...params, timeout: `${timeoutMs}ms` });
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw classifyFetchError(error, this.name, timeoutMs);
    }
    let json: { status?: unknown; data?: unknown; error?: unknown } | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      throw classifyHttpStatus(
        response.status,
        this.name,
        typeof json?.error === 'string' ? json.error : undefined,
      );
    }
    if (
      !json ||
      json.status !== 'success' ||
      typeof json.data !== 'object' ||
      json.data === null
    ) {
      throw this.malformed(
        json ? `status ${String(json.status)}` : 'the body is not JSON',
      );
    }
    return json.data as QueryData;
  }
}
