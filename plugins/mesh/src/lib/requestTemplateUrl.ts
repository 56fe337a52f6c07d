import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';

/** The software templates that turn a request into a policy pull request. */
export const REQUEST_TEMPLATES = {
  route: 'request-mesh-route',
  access: 'request-mesh-access',
} as const;

export type RequestKind = keyof typeof REQUEST_TEMPLATES;

/**
 * The scaffolder URL of a request template, its form pre-filled with the service
 * (`?formData=` is JSON, as the scaffolder's `useFormDataFromQuery` reads it).
 */
export function requestTemplateUrl(
  kind: RequestKind,
  service: ServiceRef,
  templateNamespace = 'default',
): string {
  const formData = JSON.stringify({
    service: `${service.namespace}/${service.name}`,
  });
  return `/create/templates/${encodeURIComponent(templateNamespace)}/${
    REQUEST_TEMPLATES[kind]
  }?formData=${encodeURIComponent(formData)}`;
}
