import type { Entity } from '@backstage/catalog-model';
import {
  followsRule,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  MESH_SERVICE_ANNOTATION,
  NAMESPACE_NAME_RULE,
  SERVICE_NAME_RULE,
} from '@meshport/backstage-plugin-mesh-common';
import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';

/** Parses `<namespace>/<name>`; undefined unless both parts are valid Kubernetes names. */
export function parseServiceId(
  value: string | undefined,
): ServiceRef | undefined {
  const parts = (value ?? '').trim().split('/');
  if (parts.length !== 2) {
    return undefined;
  }
  const [namespace, name] = parts;
  if (
    !followsRule(NAMESPACE_NAME_RULE, namespace) ||
    !followsRule(SERVICE_NAME_RULE, name)
  ) {
    return undefined;
  }
  return { namespace, name };
}

/** Why an entity names no mesh service, for the empty state. */
export type MeshServiceRefProblem =
  | { kind: 'missing' }
  | { kind: 'invalid'; annotation: string; value: string };

/**
 * The mesh service an entity stands for: `meshport.dev/service`, else the Kubernetes
 * plugin's `backstage.io/kubernetes-id` (+ `backstage.io/kubernetes-namespace`, default
 * `default`), so entities already set up for the Kubernetes tab need nothing more.
 */
export function resolveMeshServiceRef(
  entity: Entity,
): { ref: ServiceRef } | { problem: MeshServiceRefProblem } {
  const annotations = entity.metadata.annotations ?? {};
  const explicit = annotations[MESH_SERVICE_ANNOTATION];
  if (explicit !== undefined) {
    const ref = parseServiceId(explicit);
    return ref
      ? { ref }
      : {
          problem: {
            kind: 'invalid',
            annotation: MESH_SERVICE_ANNOTATION,
            value: explicit,
          },
        };
  }
  const kubernetesId = annotations[KUBERNETES_ID_ANNOTATION];
  if (kubernetesId !== undefined) {
    const namespace = annotations[KUBERNETES_NAMESPACE_ANNOTATION] ?? 'default';
    const ref = parseServiceId(`${namespace}/${kubernetesId}`);
    return ref
      ? { ref }
      : {
          problem: {
            kind: 'invalid',
            annotation: KUBERNETES_ID_ANNOTATION,
            value: `${namespace}/${kubernetesId}`,
          },
        };
  }
  return { problem: { kind: 'missing' } };
}

/** The mesh service of an entity, or undefined when it names none. */
export function getMeshServiceRef(entity: Entity): ServiceRef | undefined {
  const resolved = resolveMeshServiceRef(entity);
  return 'ref' in resolved ? resolved.ref : undefined;
}

/**
 * True when the entity names a mesh service, by `meshport.dev/service` or the Kubernetes
 * annotations: use it to show the Mesh tab only where it has something to say.
 *
 * @public
 */
export function isMeshServiceAvailable(entity: Entity): boolean {
  return getMeshServiceRef(entity) !== undefined;
}
