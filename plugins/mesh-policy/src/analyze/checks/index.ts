import type { Check } from '../types';
import { authorizationChecks } from './authorization';
import { conflictChecks } from './conflicts';
import { hygieneChecks } from './hygiene';
import { multiclusterChecks } from './multicluster';
import { mtlsChecks } from './mtls';
import { referenceChecks } from './references';
import { resilienceChecks } from './resilience';

/**
 * Every check, by area; the hundreds of a code say its area:
 * MESH1xx references, 2xx conflicts, 3xx mTLS, 4xx multi-cluster, 5xx resilience,
 * 6xx authorization, 7xx hygiene.
 */
export const ALL_CHECKS: readonly Check[] = [
  ...referenceChecks,
  ...conflictChecks,
  ...mtlsChecks,
  ...multiclusterChecks,
  ...resilienceChecks,
  ...authorizationChecks,
  ...hygieneChecks,
];
