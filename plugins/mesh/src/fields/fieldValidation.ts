import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';

/** rjsf's FieldValidation, taken from the scaffolder's types so no rjsf import is needed. */
export type FieldValidation = Parameters<CustomFieldValidator<unknown>>[1];

/** What a validator gets besides the value: the API holder and the whole form's data. */
export type FieldValidatorContext = Pick<
  Parameters<CustomFieldValidator<unknown>>[2],
  'apiHolder' | 'formData'
>;
