/**
 * A Kubernetes object as the fake API server stores and serves it. The same shape as the
 * readers' `KubeObject` in mesh-backend, declared here so that this package depends on no
 * plugin (mesh-backend's tests use it, so it cannot import mesh-backend).
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}
