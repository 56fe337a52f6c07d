import type { Check } from '../types';

/** MESH3xx — mTLS: TLS settings against PeerAuthentication and proxies, STRICT over observed plaintext, trust between clusters. */
export const mtlsChecks: Check[] = [];
