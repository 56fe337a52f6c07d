import {
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_LABEL_REGEX,
} from '@meshport/backstage-plugin-mesh-common';
import { z } from 'zod';

/*
 * The subset of Linkerd's CRDs Meshport emits, described by hand, strictly, from the
 * linkerd-crds chart (charts/linkerd-crds/templates/policy/*.yaml): each served version we
 * emit (see apiVersions.ts) has its own entry, so an object stamped with a version whose
 * schema lacks a field fails here, not on the cluster.
 */
const name = z
  .string()
  .regex(DNS1123_LABEL_REGEX)
  .max(DNS1123_LABEL_MAX_LENGTH);
const port = z.number().int().min(1).max(65535);
const policyRef = z.strictObject({
  group: z.literal('policy.linkerd.io'),
  kind: z.string(),
  name,
});
const headerPairs = z
  .array(z.strictObject({ name: z.string().min(1), value: z.string() }))
  .max(16);
const server = z.strictObject({
  podSelector: z.strictObject({
    matchLabels: z.record(z.string(), z.string()),
  }),
  port: z.union([port, z.string().min(1).max(15)]),
});

const headerModifier = z.strictObject({
  set: headerPairs.optional(),
  add: headerPairs.optional(),
  remove: z.array(z.string()).optional(),
});
const requestHeaders = z.strictObject({
  type: z.literal('RequestHeaderModifier'),
  requestHeaderModifier: headerModifier,
});
const responseHeaders = z.strictObject({
  type: z.literal('ResponseHeaderModifier'),
  responseHeaderModifier: headerModifier,
});

/** An HTTPRoute whose parent is a Service port (Linkerd's outbound routes). */
function httpRoute(v1beta3: boolean) {
  return z.strictObject({
    parentRefs: z
      .array(
        z.strictObject({
          group: z.literal(''),
          kind: z.literal('Service'),
          name,
          port,
        }),
      )
      .min(1),
    rules: z
      .array(
        z.strictObject({
          matches: z
            .array(
              z.strictObject({
                path: z
                  .strictObject({
                    type: z.enum(['Exact', 'PathPrefix']),
                    value: z.string().startsWith('/'),
                  })
                  .optional(),
                method: z.string().optional(),
                headers: z
                  .array(
                    z.strictObject({
                      type: z.literal('Exact'),
                      name: z.string(),
                      value: z.string(),
                    }),
                  )
                  .optional(),
              }),
            )
            .max(64)
            .optional(),
          backendRefs: z
            .array(
              z.strictObject({
                name,
                port,
                weight: z.number().int().min(0).max(1000000).optional(),
              }),
            )
            .min(1)
            .max(16),
          ...(v1beta3
            ? {
                timeouts: z
                  .strictObject({
                    request: z.string().regex(/^([0-9]{1,5}(h|m|s|ms)){1,4}$/),
                  })
                  .optional(),
              }
            : {}),
          filters: z
            .array(
              v1beta3
                ? z.union([requestHeaders, responseHeaders])
                : requestHeaders,
            )
            .optional(),
        }),
      )
      .min(1)
      .max(16),
  });
}

export const LINKERD_SCHEMAS: Record<string, z.ZodType> = {
  // podSelector and port mean the same in every served version
  'policy.linkerd.io/v1beta1/Server': server,
  'policy.linkerd.io/v1beta3/Server': server,
  // rules[].timeouts and ResponseHeaderModifier arrived with v1beta3
  'policy.linkerd.io/v1beta2/HTTPRoute': httpRoute(false),
  'policy.linkerd.io/v1beta3/HTTPRoute': httpRoute(true),
  'policy.linkerd.io/v1alpha1/AuthorizationPolicy': z.strictObject({
    targetRef: policyRef,
    requiredAuthenticationRefs: z.array(policyRef).min(1),
  }),
  'policy.linkerd.io/v1alpha1/MeshTLSAuthentication': z.strictObject({
    identities: z.array(z.string().min(1)).min(1),
  }),
};
