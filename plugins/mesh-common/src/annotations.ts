/** Annotation by which a catalog entity claims a mesh service: `<namespace>/<name>`. */
export const MESH_SERVICE_ANNOTATION = 'meshport.dev/service';

/** Label put on every rendered mesh resource, naming the Meshport policy it came from. */
export const MESHPORT_POLICY_LABEL = 'meshport.dev/policy';
