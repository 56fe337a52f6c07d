import { HumanDuration } from '@backstage/types';

export interface Config {
  mesh?: {
    traffic?: {
      snapshot?: {
        /**
         * Traffic read from this JSON file (examples/demo-traffic/traffic.json), resolved from
         * the backend's working directory: the demo and the end-to-end tests.
         */
        file?: string;
        /**
         * How long one read of the file is reused before it is read again, so an edit shows
         * without a restart, e.g. `30s` (the default) or `{ seconds: 30 }`. `0s` reads it on
         * every request.
         */
        reloadAfter?: HumanDuration | string;
      };
    };
  };
}
