import { LinkButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';
import { requestTemplateUrl } from '../../lib/requestTemplateUrl';

/** Opens the request templates with this service filled in. */
export const RequestButtons = (props: { service: ServiceRef }) => (
  <Box display="flex" gridGap={8}>
    <LinkButton
      to={requestTemplateUrl('route', props.service)}
      variant="contained"
      color="primary"
    >
      Request a route
    </LinkButton>
    <LinkButton
      to={requestTemplateUrl('access', props.service)}
      variant="outlined"
      color="primary"
    >
      Request access
    </LinkButton>
  </Box>
);
