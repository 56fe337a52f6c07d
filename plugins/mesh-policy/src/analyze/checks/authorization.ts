import type { Check } from '../types';

/** MESH6xx — authorization: callers seen in traffic that policies deny, L7 rules ztunnel cannot enforce. */
export const authorizationChecks: Check[] = [];
