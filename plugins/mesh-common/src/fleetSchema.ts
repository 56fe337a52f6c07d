import { z } from 'zod';

/**
 * The fleet contract at run time: what `GET /api/mesh/fleet` serves and every reader checks,
 * written against the types of `fleet.ts` (fleetSchema.test.ts holds type assertions that fail
 * to compile when the two drift apart). Objects are loose: a field a newer backend adds passes through to readers
 * that know it. Lists an older export may lack default to empty, so a reader never has to.
 */

const strings = z.array(z.string());
const stringMap = z.record(z.string(), z.string());
const counts = z.looseObject({ ready: z.number(), total: z.number() });
const meshKind = z.enum(['istio', 'linkerd']);
const dataPlaneMode = z.enum(['sidecar', 'ambient', 'linkerd', 'none']);
const mtlsMode = z.enum(['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET']);

export const controlPlaneSchema = z.looseObject({
  kind: meshKind,
  namespace: z.string(),
  revision: z.string(),
  version: z.string().optional(),
  clusterId: z.string().optional(),
  network: z.string().optional(),
  trustDomain: z.string(),
  trustDomainAliases: strings.optional(),
  rootCertFingerprint: z.string().optional(),
  trustedRootFingerprints: strings.optional(),
  external: z.boolean().default(false),
  ambient: z.boolean().default(false),
  readsEndpointsFrom: strings.default([]),
  unresolvedRemoteClusters: strings.optional(),
  meshId: z.string().optional(),
  remoteClustersUnknown: z.boolean().optional(),
});

export const eastWestGatewaySchema = z.looseObject({
  namespace: z.string(),
  name: z.string(),
  network: z.string().optional(),
  addresses: strings,
  port: z.number(),
});

export const liveConfigObjectSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  }),
  spec: z.record(z.string(), z.unknown()).default({}),
  status: z
    .looseObject({
      validationMessages: z
        .array(
          z.looseObject({
            type: z
              .looseObject({
                code: z.string().optional(),
                name: z.string().optional(),
              })
              .optional(),
            code: z.string().optional(),
            level: z.union([z.string(), z.number()]).optional(),
            description: z.string().optional(),
            message: z.string().optional(),
          }),
        )
        .optional(),
    })
    // Status is Istio's report, not the object: a malformed one is dropped, the object kept.
    .optional()
    .catch(undefined),
});

export const clusterSchema = z.looseObject({
  name: z.string(),
  source: z.enum(['kubernetes', 'snapshot']).optional(),
  sync: z.looseObject({
    state: z.enum(['ok', 'stale', 'never-synced']),
    lastSuccessAt: z.string().optional(),
    lastAttemptAt: z.string().optional(),
    error: z
      .looseObject({
        reason: z.enum([
          'timeout',
          'unauthorized',
          'forbidden',
          'server-error',
          'malformed-response',
          'tls',
          'unreachable',
          'auth-config',
          'other',
        ]),
        message: z.string(),
      })
      .optional(),
  }),
  regions: strings.default([]),
  zones: strings.default([]),
  network: z.string().optional(),
  controlPlanes: z.array(controlPlaneSchema),
  eastWestGateways: z.array(eastWestGatewaySchema).default([]),
  skippedObjects: z
    .looseObject({
      count: z.number(),
      byKind: z.record(z.string(), z.number()),
      examples: z.array(
        z.looseObject({
          kind: z.string(),
          object: z.string(),
          reason: z.string(),
        }),
      ),
    })
    .optional(),
  warnings: strings.optional(),
  config: z.array(liveConfigObjectSchema).optional(),
});

export const meshSchema = z.looseObject({
  id: z.string(),
  kind: meshKind,
  clusters: strings,
  trustDomains: strings.default([]),
  rootCertFingerprints: strings.default([]),
  sharedRootOfTrust: z.boolean().default(false),
});

export const servicePortSchema = z.looseObject({
  name: z.string().optional(),
  port: z.number(),
  targetPort: z.union([z.number(), z.string()]).optional(),
  protocol: z.string().default('TCP'),
  appProtocol: z.string().optional(),
});

export const workloadSchema = z.looseObject({
  kind: z.string(),
  name: z.string(),
  serviceAccount: z.string(),
  identity: z.string(),
  labels: stringMap.default({}),
  pods: counts,
  dataPlaneMode,
});

export const configRefSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  meshportPolicy: z.string().optional(),
  port: z.union([z.number(), z.string()]).optional(),
});

export const serviceInstanceSchema = z.looseObject({
  cluster: z.string(),
  stale: z.boolean().default(false),
  labels: stringMap.default({}),
  ports: z.array(servicePortSchema),
  selector: stringMap,
  endpoints: counts.default({ ready: 0, total: 0 }),
  subsets: z.record(z.string(), strings).default({}),
  workloads: z.array(workloadSchema).default([]),
  identities: strings.default([]),
  dataPlaneMode: dataPlaneMode.default('none'),
  localities: strings.default([]),
  mtls: z
    .looseObject({
      mode: mtlsMode,
      source: z.string().optional(),
      ports: z.record(z.string(), mtlsMode).optional(),
    })
    .default({ mode: 'UNSET' }),
  config: z.array(configRefSchema).default([]),
  waypoint: z
    .looseObject({ namespace: z.string(), name: z.string() })
    .optional(),
  mirroredIn: strings.optional(),
});

const ownerClaimSchema = z.looseObject({
  owner: z.string(),
  from: z.enum(['service-label', 'namespace-label', 'configuration']),
  cluster: z.string().optional(),
});

/**
 * A service without its instances: `parseFleet` reads each instance on its own, so one that
 * is malformed is left out rather than the whole service.
 */
export const serviceSchema = z.looseObject({
  id: z.string(),
  namespace: z.string(),
  name: z.string(),
  owner: z.string().optional(),
  ownership: z
    .looseObject({
      owner: z.string().optional(),
      claims: z.array(ownerClaimSchema),
      conflict: z.looseObject({ claims: z.array(ownerClaimSchema) }).optional(),
    })
    .optional(),
  instances: z.array(z.unknown()),
});

export const clusterLinkSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  via: z.enum([
    'shared-endpoint-discovery',
    'gateway-federation',
    'linkerd-multicluster',
  ]),
  linkerdMode: z.enum(['gateway', 'flat']).optional(),
});

/** The fleet's outline: without its lists there is nothing to read at all. */
export const fleetOutlineSchema = z.looseObject({
  generatedAt: z.string(),
  clusters: z.array(z.unknown()),
  meshes: z.array(z.unknown()),
  services: z.array(z.unknown()),
  links: z.array(z.unknown()).default([]),
});

/** The whole fleet in one schema, every part checked at once. */
export const fleetSchema = fleetOutlineSchema.extend({
  clusters: z.array(clusterSchema),
  meshes: z.array(meshSchema),
  services: z.array(
    serviceSchema.extend({ instances: z.array(serviceInstanceSchema) }),
  ),
  links: z.array(clusterLinkSchema).default([]),
});
