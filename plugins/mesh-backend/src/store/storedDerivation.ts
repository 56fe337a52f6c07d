import { createHash } from 'node:crypto';
import type {
  ClusterDerivation,
  ClusterTopology,
} from '../aggregation/FleetMemo';
import type { DiscoveredControlPlane } from '../aggregation/controlPlanes';
import type {
  AggregationOptions,
  NamespaceInfo,
  ServiceInfo,
} from '../aggregation/inventory';
import type { ServiceContribution } from '../aggregation/services';
import type { LiveConfigObject } from '@meshport/backstage-plugin-mesh-common';
import { applySplice, spliceBetween, type ListSplice } from './listSplice';

/**
 * What the fleet derived from a cluster's inventory (`ClusterDerivation`), as it is stored
 * beside the inventory: a restarted replica, or one picking up another's write, seeds its
 * memo with it instead of deriving every cluster again (at 50,000 services, ~0.4 s of
 * deriving per cluster against ~0.06 s of parsing this). Plain JSON; its lists hold the
 * derivation's own objects, so the record of a watched cluster's next derivation shares
 * those of every service that did not change, and is written as a splice of the others.
 */
export interface DerivationRecord {
  lists: {
    services: ServiceContribution[];
    mirrors: ServiceInfo[];
    /** The first namespace of each name, in the derivation's order. */
    namespaces: NamespaceInfo[];
    config: LiveConfigObject[];
    controlPlanes: DiscoveredControlPlane[];
  };
  rest: {
    topology: ClusterTopology;
    status: ClusterDerivation['status'];
  };
}

type RecordList = keyof DerivationRecord['lists'];

const RECORD_LISTS: readonly RecordList[] = [
  'services',
  'mirrors',
  'namespaces',
  'config',
  'controlPlanes',
];

/**
 * The change from one record of a cluster to its next: per list that changed, one splice
 * (see `spliceBetween`), and the small members whole.
 */
export interface DerivationChange {
  lists: Partial<Record<RecordList, ListSplice>>;
  rest: DerivationRecord['rest'];
}

/**
 * Bumped whenever what a derivation holds, or how it is derived, changes: a stored record
 * under another format is not used (the cluster is derived again from its stored inventory,
 * once), so a release never serves what an older one derived differently. A test of the
 * demo fleet's derivations fails when they change (`storedDerivation.test.ts`).
 */
const DERIVATION_FORMAT = 1;

/**
 * Which derivations a store may use: those derived by this format with these options. A
 * record stored under another key (other owners, subset labels, an older release) is not
 * read at all; the inventory is derived instead.
 */
export function derivationKey(options: AggregationOptions): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(options))
    .digest('hex')
    .slice(0, 32);
  return `v${DERIVATION_FORMAT}:${digest}`;
}

export function derivationRecord(
  derivation: ClusterDerivation,
): DerivationRecord {
  return {
    lists: {
      services: derivation.instances.services,
      mirrors: derivation.instances.mirrors,
      namespaces: [...derivation.instances.namespaces.values()],
      config: derivation.config,
      controlPlanes: derivation.controlPlanes,
    },
    rest: { topology: derivation.topology, status: derivation.status },
  };
}

/** The derivation a (parsed) record holds. */
export function derivationOf(record: DerivationRecord): ClusterDerivation {
  const { lists, rest } = record;
  return {
    topology: rest.topology,
    controlPlanes: lists.controlPlanes,
    instances: {
      namespaces: new Map(lists.namespaces.map(n => [n.name, n])),
      services: lists.services,
      mirrors: lists.mirrors,
    },
    config: lists.config,
    status: rest.status,
  };
}

/** The change from `before` to `after`, found by object identity (see `spliceBetween`). */
export function derivationChange(
  before: DerivationRecord,
  after: DerivationRecord,
): DerivationChange {
  const lists: DerivationChange['lists'] = {};
  for (const member of RECORD_LISTS) {
    const splice = spliceBetween(before.lists[member], after.lists[member]);
    if (splice) lists[member] = splice;
  }
  return { lists, rest: after.rest };
}

/** The record `change` turns `record` into; `record` is left as it is. */
export function applyDerivationChange(
  record: DerivationRecord,
  change: DerivationChange,
): DerivationRecord {
  const lists = { ...record.lists };
  for (const member of RECORD_LISTS) {
    const splice = change.lists[member];
    if (splice)
      (lists as Record<RecordList, unknown[]>)[member] = applySplice<unknown>(
        record.lists[member],
        splice,
        member,
        'derivation',
      );
  }
  return { lists, rest: change.rest };
}
