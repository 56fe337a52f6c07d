/**
 * What the mesh analysis says about the fleet: the contract between the findings engine
 * (mesh-policy `analyzeFleet`), the REST API (`GET /api/mesh/findings`), the scaffolder's pull
 * requests, the policy CLI and the UI.
 */

export type FindingSeverity = 'error' | 'warning' | 'info';

/** Severities from worst to mildest: the order lists and counts are shown in. */
export const FINDING_SEVERITIES: readonly FindingSeverity[] = [
  'error',
  'warning',
  'info',
];

/** One object a finding is about: a mesh config object, a Service or a cluster-level object. */
export interface FindingObject {
  /** Backstage name of the cluster holding it. */
  cluster: string;
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The Meshport policy it was rendered from, when it carries the policy label. */
  meshportPolicy?: string;
  /** True when the object is one a pull request adds or changes, not yet live. */
  proposed?: boolean;
}

export interface Finding {
  /** Stable code, `MESH` and three digits: the README's findings table explains each. */
  code: string;
  severity: FindingSeverity;
  /** The check's name, e.g. "VirtualService routes to a subset that does not exist". */
  title: string;
  /** What is wrong, naming the objects and clusters. */
  message: string;
  /** What to change, and where. */
  fix: string;
  objects: FindingObject[];
  /** Backstage names of every cluster involved, sorted. */
  clusters: string[];
  /** `<namespace>/<name>` of every mesh service involved, sorted. */
  services: string[];
  /** Catalog owners (entity refs) of the services and objects involved, sorted. */
  owners: string[];
  /** The same check in Istio's analyzers (`IST0101`) or Kiali's validations (`KIA0201`). */
  equivalent?: { istio?: string; kiali?: string };
  /**
   * Identifies the finding across runs (code + what it is about, not the wording): a pull
   * request's analysis compares keys before and after to say what it introduces and resolves.
   */
  key: string;
}

/** `GET /api/mesh/findings`: the findings the caller may read, filtered as asked. */
export interface FindingsResponse {
  items: Finding[];
  /** Findings matching the filters (before `limit`). */
  totalCount: number;
  /** Of those, how many of each severity. */
  counts: Record<FindingSeverity, number>;
  /** ISO time of the fleet the findings were computed from. */
  generatedAt: string;
  /**
   * What the analysis could not look at, e.g. clusters never synced or whose config is
   * unknown, and checks that need traffic when no traffic source is installed.
   */
  notes: string[];
}
