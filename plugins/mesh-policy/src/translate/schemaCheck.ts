import { LINKERD_SCHEMAS } from './linkerd/schemas';
import type { MeshResource } from './resources';

/** Checks one rendered object; returns why it is invalid, or undefined when it is valid. */
export type SchemaValidator = (resource: MeshResource) => string | undefined;

// Linkerd kinds have no generated models here; linkerd/schemas.ts describes what we emit.
const handWritten = LINKERD_SCHEMAS;

/**
 * Checks Linkerd objects, whose schemas are described by hand. Istio objects pass:
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
