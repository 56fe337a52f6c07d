/**
 * The whole form's values. The scaffolder passes them (every step's) as `formContext.formData`;
 * pickers use them to follow the chosen service, the policy preview to build the request.
 */
export function formValues(formContext: unknown): Record<string, unknown> {
  return (
    (formContext as { formData?: Record<string, unknown> } | undefined)
      ?.formData ?? {}
  );
}

/** The value of another field of the same template form. */
export function siblingValue(formContext: unknown, field: string): unknown {
  return formValues(formContext)[field];
}
