import type { Diagnostic } from '@meshport/backstage-plugin-mesh-policy';

/**
 * A compiler diagnostic in the form's words: the field the user filled in rather than the
 * policy path (`Weight 3: …` instead of `trafficpolicy.bookinfo.x:spec.route.2.weight: …`).
 * The deepest labelled path wins; a path no field stands for is left out, as the message
 * itself says what is wrong.
 */
export function describeDiagnostic(
  diagnostic: Diagnostic,
  fieldLabels: Record<string, string>,
): string {
  let path = diagnostic.path;
  while (path) {
    const label = fieldLabels[path];
    if (label) return `${label}: ${diagnostic.message}`;
    const dot = path.lastIndexOf('.');
    path = dot < 0 ? '' : path.slice(0, dot);
  }
  return diagnostic.message;
}
