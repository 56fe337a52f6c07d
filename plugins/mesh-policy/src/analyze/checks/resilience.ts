import type { Check } from '../types';

/** MESH5xx — resilience: locality failover and outlier detection, failover targets without endpoints. */
export const resilienceChecks: Check[] = [];
