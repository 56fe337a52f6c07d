import type { Check } from '../types';

/** MESH4xx — multi-cluster: one service differing between clusters, east-west gateways, remote secrets, injection. */
export const multiclusterChecks: Check[] = [];
