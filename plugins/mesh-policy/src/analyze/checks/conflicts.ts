import type { Check } from '../types';

/** MESH2xx — conflicts: several objects for one host, shadowed routes, overlapping selectors, hand-edited managed objects. */
export const conflictChecks: Check[] = [];
