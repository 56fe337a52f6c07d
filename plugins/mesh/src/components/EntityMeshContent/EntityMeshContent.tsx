import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { MESH_SERVICE_ANNOTATION } from '@meshport/backstage-plugin-mesh-common';
import { resolveMeshServiceRef } from '../../entity/meshServiceRef';
import { LegacyPoliciesLinks, PoliciesLinks } from '../Policies';
import { MeshServiceContent } from '../MeshServiceContent';

const example = (name: string) => `metadata:
  annotations:
    ${MESH_SERVICE_ANNOTATION}: <namespace>/${name}`;

/** The Mesh tab of a catalog entity. */
export const EntityMeshContent = () => {
  const { entity } = useEntity();
  const resolved = resolveMeshServiceRef(entity);
  if ('ref' in resolved) {
    return <MeshServiceContent service={resolved.ref} />;
  }
  const { problem } = resolved;
  return (
    <EmptyState
      missing="field"
      title={
        problem.kind === 'missing'
          ? `This entity has no ${MESH_SERVICE_ANNOTATION} annotation`
          : `The annotation ${problem.annotation} is "${problem.value}", which names no Kubernetes service`
      }
      description={`Add ${MESH_SERVICE_ANNOTATION} with <namespace>/<name> of the Kubernetes Service, e.g. bookinfo/reviews (or set backstage.io/kubernetes-id and backstage.io/kubernetes-namespace). Namespace and name are lower-case DNS labels.`}
      action={
        <CodeSnippet
          language="yaml"
          text={example(entity.metadata.name)}
          showCopyCodeButton
        />
      }
    />
  );
};

/** New frontend system: the tab, its Policies card linked to the Policies page. */
export const LinkedEntityMeshContent = () => (
  <PoliciesLinks>
    <EntityMeshContent />
  </PoliciesLinks>
);

/** Legacy apps: the tab, linked to the Policies page when MeshPoliciesPage is mounted. */
export const LegacyEntityMeshContent = () => (
  <LegacyPoliciesLinks>
    <EntityMeshContent />
  </LegacyPoliciesLinks>
);
