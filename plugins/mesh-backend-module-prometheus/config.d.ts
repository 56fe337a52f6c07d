/** A duration as an object (`{ seconds: 5 }`) or an ISO 8601 / ms-style string (`PT5S`, `5s`). */
type Duration =
  | {
      days?: number;
      hours?: number;
      minutes?: number;
      seconds?: number;
      milliseconds?: number;
    }
  | string;

export interface Config {
  mesh?: {
    /** Per-cluster Prometheus; `name` is the cluster's name in kubernetes.clusterLocatorMethods. */
    clusters?: Array<{
      name: string;
      prometheus?: {
        /**
         * Base URL of the Prometheus that scrapes this cluster's mesh metrics. It may carry
         * credentials (`https://user:token@…`), so it never reaches the browser.
         * @visibility secret
         */
        url: string;
      };
    }>;

    /** Traffic metrics, read by the Prometheus traffic-source module. */
    prometheus?: {
      /**
       * One Prometheus (or Thanos Query) holding every cluster's series. It may carry
       * credentials (`https://user:token@…`), so it never reaches the browser.
       * @visibility secret
       */
      url?: string;
      /** Per query. Default 5 seconds. */
      timeout?: Duration;
      /** How long an answer is reused; 0 disables the cache. Default 30 seconds. */
      cacheTtl?: Duration;
    };
  };
}
