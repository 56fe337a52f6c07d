export interface Config {
  mesh?: {
    traffic?: {
      snapshot?: {
        /**
         * Traffic read from this JSON file (examples/demo-traffic/traffic.json), resolved from
         * the backend's working directory: the demo and the end-to-end tests.
         */
        file?: string;
      };
    };
  };
}
