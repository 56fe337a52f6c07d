import { z } from 'zod';
import type { MeshResource } from './resources';

/** Checks one rendered object; returns why it is invalid, or undefined when it is valid. */
export type SchemaValidator = (resource: MeshResource) => string | undefined;

// Linkerd and Gateway API kinds have no generated models here, so the subset we emit is
// described by hand, strictly, from the CRD reference.
const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .max(63);
const port = z.number().int().min(1).max(65535);
const policyRef = z.strictObject({
  group: z.literal('policy.linkerd.io'),
  kind: z.string(),
  name,
});
const headerPairs = z
  .array(z.strictObject({ name: z.string().min(1), value: z.string() }))
  .max(16);
const handWritten: Record<string, z.ZodType> = {
  'gateway.networking.k8s.io/v1/HTTPRoute': z.strictObject({
    parentRefs: z
      .array(
        z.strictObject({
          group: z.literal(''),
          kind: z.literal('Service'),
          name,
          port: port.optional(),
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
          timeouts: z
            .strictObject({
              request: z.string().regex(/^([0-9]{1,5}(h|m|s|ms)){1,4}$/),
            })
            .optional(),
          filters: z
            .array(
              z.union([
                z.strictObject({
                  type: z.literal('RequestHeaderModifier'),
                  requestHeaderModifier: z.strictObject({
                    set: headerPairs.optional(),
                    add: headerPairs.optional(),
                    remove: z.array(z.string()).optional(),
                  }),
                }),
                z.strictObject({
                  type: z.literal('ResponseHeaderModifier'),
                  responseHeaderModifier: z.strictObject({
                    set: headerPairs.optional(),
                    add: headerPairs.optional(),
                    remove: z.array(z.string()).optional(),
                  }),
                }),
              ]),
            )
            .optional(),
        }),
      )
      .min(1)
      .max(16),
  }),
  'policy.linkerd.io/v1beta3/Server': z.strictObject({
    podSelector: z.strictObject({
      matchLabels: z.record(z.string(), z.string()),
    }),
    port: z.union([port, z.string().min(1).max(15)]),
  }),
  'policy.linkerd.io/v1alpha1/AuthorizationPolicy': z.strictObject({
    targetRef: policyRef,
    requiredAuthenticationRefs: z.array(policyRef).min(1),
  }),
  'policy.linkerd.io/v1alpha1/MeshTLSAuthentication': z.strictObject({
    identities: z.array(z.string().min(1)).min(1),
  }),
};

/**
 * Checks Linkerd and Gateway API objects, whose schemas are described here. Istio objects pass:
 * checking them needs the validator from `loadSchemaValidator`.
 */
export const handWrittenProblem: SchemaValidator = resource => {
  const schema = handWritten[`${resource.apiVersion}/${resource.kind}`];
  if (!schema) return undefined;
  const result = schema.safeParse(JSON.parse(JSON.stringify(resource.spec)));
  return result.success
    ? undefined
    : result.error.issues
        .map(i => `spec.${i.path.join('.')}: ${i.message}`)
        .join('; ');
};

type IstioModel = new (data: never) => { validate(): void };

/**
 * Loads the Istio CRD schemas (@kubernetes-models/istio) and returns a validator for every kind
 * we emit. The models ship as ES modules only, which CommonJS code (the backend, the CLI) can
 * reach only through a dynamic import; hence async, done once by the caller and passed in.
 */
export async function loadSchemaValidator(): Promise<SchemaValidator> {
  const [vs, dr, se, gw, ap] = await Promise.all([
    import('@kubernetes-models/istio/networking.istio.io/v1/VirtualService'),
    import('@kubernetes-models/istio/networking.istio.io/v1/DestinationRule'),
    import('@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry'),
    import('@kubernetes-models/istio/networking.istio.io/v1/Gateway'),
    import('@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy'),
  ]);
  const istio: Record<string, IstioModel> = {
    'networking.istio.io/v1/VirtualService': vs.VirtualService,
    'networking.istio.io/v1/DestinationRule': dr.DestinationRule,
    'networking.istio.io/v1/ServiceEntry': se.ServiceEntry,
    'networking.istio.io/v1/Gateway': gw.Gateway,
    'security.istio.io/v1/AuthorizationPolicy': ap.AuthorizationPolicy,
  };
  return resource => {
    const Model = istio[`${resource.apiVersion}/${resource.kind}`];
    if (!Model) return handWrittenProblem(resource);
    try {
      // The JSON round trip drops undefined members, as the YAML serialiser will; the decoded
      // object's shape is exactly what is being checked, hence `never`.
      new Model(JSON.parse(JSON.stringify(resource)) as never).validate();
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
}
