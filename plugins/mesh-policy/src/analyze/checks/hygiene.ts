import type { Check } from '../types';

/** MESH7xx — hygiene: ports without a protocol, sidecar and ambient mixed in one service. */
export const hygieneChecks: Check[] = [];
