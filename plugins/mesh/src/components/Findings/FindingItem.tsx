import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import type {
  Finding,
  FindingObject,
} from '@meshport/backstage-plugin-mesh-common';
import { Fragment } from 'react';
import { SeverityLabel } from './SeverityLabel';

/** `VirtualService bookinfo/reviews @ cluster-1`, as messages name objects. */
export function describeObject(o: FindingObject): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} @ ${
    o.cluster
  }`;
}

/** An owner as a link to its catalog page; plain text when it is not an entity ref. */
const Owner = (props: { owner: string }) => {
  try {
    const ref = parseEntityRef(props.owner);
    return <EntityRefLink entityRef={ref} defaultKind="group" />;
  } catch {
    // Not every source writes a full ref (a bare team name from a label): show it as it is.
    return <>{props.owner}</>;
  }
};

function equivalents(finding: Finding): string | undefined {
  const parts = [
    finding.equivalent?.istio ? `Istio ${finding.equivalent.istio}` : '',
    finding.equivalent?.kiali ? `Kiali ${finding.equivalent.kiali}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

/** One finding: what is wrong, what to change, which objects, who owns them. */
export const FindingItem = (props: { finding: Finding }) => {
  const { finding } = props;
  const same = equivalents(finding);
  return (
    <Box
      component="li"
      data-testid="finding"
      aria-label={`${finding.severity} ${finding.code}: ${finding.title}`}
      py={1.5}
      borderBottom={1}
      borderColor="divider"
      style={{ listStyle: 'none' }}
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <SeverityLabel severity={finding.severity} />
        <Typography variant="body2" component="code">
          {finding.code}
        </Typography>
        <Typography variant="subtitle2" component="span">
          {finding.title}
        </Typography>
        {same && (
          <Typography
            variant="caption"
            color="textSecondary"
            data-testid="finding-equivalent"
          >
            {`same as ${same}`}
          </Typography>
        )}
      </Box>
      <Typography variant="body2" style={{ marginTop: 4 }}>
        {finding.message}
      </Typography>
      <Typography variant="body2" style={{ marginTop: 4 }}>
        <strong>Fix: </strong>
        {finding.fix}
      </Typography>
      {finding.objects.length > 0 && (
        <Box mt={0.5}>
          <Typography variant="caption" color="textSecondary">
            Objects
          </Typography>
          <Box component="ul" m={0} pl={2.5}>
            {finding.objects.map(o => (
              <li key={`${describeObject(o)}|${o.proposed ? 'p' : ''}`}>
                <Typography variant="body2" component="span">
                  {describeObject(o)}
                </Typography>
                {o.meshportPolicy && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                  >{` from policy ${o.meshportPolicy}`}</Typography>
                )}
                {o.proposed && (
                  <Chip
                    size="small"
                    variant="outlined"
                    label="proposed"
                    style={{ marginLeft: 8 }}
                  />
                )}
              </li>
            ))}
          </Box>
        </Box>
      )}
      {finding.owners.length > 0 && (
        <Typography variant="body2" component="div" style={{ marginTop: 4 }}>
          {finding.owners.length === 1 ? 'Owner: ' : 'Owners: '}
          {finding.owners.map((owner, i) => (
            <Fragment key={owner}>
              {i > 0 && ', '}
              <Owner owner={owner} />
            </Fragment>
          ))}
        </Typography>
      )}
    </Box>
  );
};

/** Findings as a list, in the order given. */
export const FindingList = (props: { findings: Finding[]; label: string }) => (
  <Box component="ul" m={0} p={0} aria-label={props.label}>
    {props.findings.map(f => (
      <FindingItem key={f.key} finding={f} />
    ))}
  </Box>
);
