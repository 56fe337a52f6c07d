import type { Check } from '../types';
import {
  istioMutualWithoutProxy,
  tlsRefusedByStrict,
} from './mtls/destinationRuleTls';
import { plaintextObserved } from './mtls/plaintextTraffic';
import { untrustedClusterPair } from './mtls/trustBetweenClusters';

/** MESH3xx — mTLS: TLS settings against PeerAuthentication and proxies, STRICT over observed plaintext, trust between clusters. */
export const mtlsChecks: Check[] = [
  tlsRefusedByStrict,
  istioMutualWithoutProxy,
  plaintextObserved,
  untrustedClusterPair,
];
