import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/** Which object a spec belongs to: some kinds get schema defaults from the API server. */
export interface SpecOwner {
  apiVersion?: string;
  kind: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * Gateway API `HTTPRoute` defaults, applied by the API server from the CRD's OpenAPI schema
 * (`default:`) — Linkerd's `policy.linkerd.io` HTTPRoute is a copy of it with its own parent
 * group (charts/linkerd-crds/templates/policy/httproute.yaml; gateway-api
 * config/crd/standard/gateway.networking.k8s.io_httproutes.yaml). Istio's CRDs declare no
 * defaults for the fields Meshport renders, so Istio kinds need no table.
 * Per field path (array items as `[]`): the default value, or for `parentRefs[].group` the
 * object's own API group.
 */
const HTTP_ROUTE_DEFAULTS: Record<string, Json | 'own-group'> = {
  'parentRefs[].group': 'own-group',
  'parentRefs[].kind': 'Gateway',
  'rules[].matches': [{ path: { type: 'PathPrefix', value: '/' } }],
  'rules[].matches[].path': { type: 'PathPrefix', value: '/' },
  'rules[].matches[].path.type': 'PathPrefix',
  'rules[].matches[].path.value': '/',
  'rules[].matches[].headers[].type': 'Exact',
  'rules[].matches[].queryParams[].type': 'Exact',
  'rules[].backendRefs[].group': '',
  'rules[].backendRefs[].kind': 'Service',
  'rules[].backendRefs[].weight': 1,
};

function defaultsFor(
  owner: SpecOwner | undefined,
): Map<string, string> | undefined {
  if (!owner || owner.kind !== 'HTTPRoute') return undefined;
  const group = (owner.apiVersion ?? '').split('/')[0];
  if (group !== 'policy.linkerd.io' && group !== 'gateway.networking.k8s.io')
    return undefined;
  return new Map(
    Object.entries(HTTP_ROUTE_DEFAULTS).map(([path, value]) => [
      path,
      emit(value === 'own-group' ? group : value, undefined, undefined)!,
    ]),
  );
}

/**
 * Canonical JSON text of a value, written in one pass (the analysis hashes every managed
 * object of the fleet): undefined for "no value". `path` is the field path, tracked only when
 * `defaults` are given.
 */
function emit(
  value: unknown,
  path: string | undefined,
  defaults: Map<string, string> | undefined,
): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const itemPath = path === undefined ? undefined : `${path}[]`;
    let out = '';
    for (const v of value) {
      const item = emit(v, itemPath, defaults);
      if (item === undefined) continue;
      out += out === '' ? item : `,${item}`;
    }
    return out === '' ? undefined : `[${out}]`;
  }
  switch (typeof value) {
    case 'object': {
      // code-unit order, as compareStrings sorts
      const keys = Object.keys(value as object).sort();
      let out = '';
      for (const key of keys) {
        let childPath: string | undefined;
        if (path !== undefined) childPath = path ? `${path}.${key}` : key;
        const v = emit(
          (value as Record<string, unknown>)[key],
          childPath,
          defaults,
        );
        if (v === undefined) continue;
        if (childPath !== undefined && defaults!.get(childPath) === v) continue;
        const member = `${JSON.stringify(key)}:${v}`;
        out += out === '' ? member : `,${member}`;
      }
      return out === '' ? undefined : `{${out}}`;
    }
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return undefined;
  }
}

/**
 * The spec as the hash sees it, so that the spec Meshport rendered and the same spec as the
 * API server serves it back are equal:
 * - keys sorted: a custom resource is decoded into a Go map and re-encoded by encoding/json,
 *   which writes map keys sorted, so the order written is not kept (apimachinery
 *   `unstructured`); JSON text with sorted keys is the canonical form;
 * - numbers as JSON writes them: CR numbers are decoded as int64 when integral, else float64
 *   (k8s.io/apimachinery/pkg/util/json), and both print `1` for `1.0`; JavaScript has one
 *   number type and `JSON.stringify` prints the same digits;
 * - `null` members dropped: the API server prunes nulls of non-nullable fields
 *   (apiextensions-apiserver schema/defaulting/prunenulls.go), and a null is no value;
 * - empty maps and lists dropped: the same nothing written three ways (`{}`, `[]`, absent)
 *   by different clients and by server-side apply, which Istio reads the same way;
 * - values equal to the CRD's schema default dropped, for kinds whose CRD declares defaults:
 *   the API server fills them in on every write and every read from etcd (KEP-575, CRD
 *   defaulting), so a rendered spec without them comes back with them.
 * Arrays keep their order: it is meaningful (routes, matches).
 */
export function canonicalSpecJson(spec: unknown, owner?: SpecOwner): string {
  const defaults = defaultsFor(owner);
  return emit(spec, defaults ? '' : undefined, defaults) ?? '{}';
}

/** `canonicalSpecJson` as a value. */
export function canonicalSpec(spec: unknown, owner?: SpecOwner): Json {
  return JSON.parse(canonicalSpecJson(spec, owner));
}

/**
 * The hash of a rendered spec, stamped on every rendered object as
 * `MESHPORT_SPEC_HASH_ANNOTATION`: `sha256:` and the full 64 hex digits of SHA-256 over the
 * canonical JSON of the spec (`canonicalSpec`). Full length, not a prefix: annotations are not
 * length-limited the way label values are (63 characters), and a full digest never makes a
 * hand edit look unchanged. `@noble/hashes` rather than `node:crypto`: this package runs in the
 * browser too.
 */
export function renderedSpecHash(spec: unknown, owner?: SpecOwner): string {
  const text = canonicalSpecJson(spec, owner);
  return `sha256:${bytesToHex(sha256(utf8ToBytes(text)))}`;
}
