/**
 * The value of another field of the same template form. The scaffolder passes the whole
 * form's data as `formContext.formData`; pickers use it to follow the chosen service.
 */
export function siblingValue(formContext: unknown, field: string): unknown {
  const formData = (
    formContext as { formData?: Record<string, unknown> } | undefined
  )?.formData;
  return formData?.[field];
}
