import { Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';
import { getMeshServiceRef } from '../../entity/meshServiceRef';

export interface EntityMeshFindingsWarningProps {
  /** Path of the Mesh tab under the entity's page; `mesh` unless the app mounted it elsewhere. */
  meshTabPath?: string;
}

/**
 * For owners who never open the Mesh tab: a banner on the entity's overview when the mesh
 * analysis found errors in its service's config. Renders nothing otherwise, also while loading
 * and when the findings cannot be read: an overview page is no place for a second error panel.
 */
export const EntityMeshFindingsWarning = (
  props: EntityMeshFindingsWarningProps,
) => {
  const { entity } = useEntity();
  const meshApi = useApi(meshApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const service = getMeshServiceRef(entity);
  const id = service ? `${service.namespace}/${service.name}` : undefined;
  const { value } = useAsync(async () => {
    if (!id) return undefined;
    try {
      // Only the count is wanted: one item keeps the answer small.
      const answer = await meshApi.getFindings({
        service: id,
        severity: ['error'],
        limit: 1,
      });
      return answer.counts.error ?? answer.totalCount;
    } catch {
      return undefined;
    }
  }, [meshApi, id]);

  if (!id || !value) return null;
  const tab = (props.meshTabPath ?? 'mesh').replace(/^\/+/, '');
  const entityPath = entityRoute({
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  });
  return (
    <Alert severity="error" data-testid="mesh-findings-warning">
      {`${value} mesh configuration ${
        value === 1 ? 'error' : 'errors'
      } in ${id} — `}
      <Link to={`${entityPath.replace(/\/+$/, '')}/${tab}`}>
        see the Mesh tab
      </Link>
    </Alert>
  );
};
