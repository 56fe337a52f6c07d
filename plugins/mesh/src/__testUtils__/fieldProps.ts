import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';

/**
 * Props a scaffolder form hands a field, reduced to what the pickers read. The full rjsf
 * props (registry, idSchema helpers…) are irrelevant here, hence the cast.
 */
export function fieldProps<T, O = {}>(
  overrides: Partial<FieldExtensionComponentProps<T, O>> & {
    formContext?: { formData: Record<string, unknown> };
  } = {},
): FieldExtensionComponentProps<T, O> {
  return {
    onChange: jest.fn(),
    onBlur: jest.fn(),
    onFocus: jest.fn(),
    rawErrors: [],
    required: true,
    disabled: false,
    readonly: false,
    name: 'field',
    schema: {},
    uiSchema: {},
    idSchema: { $id: 'root_field' },
    formData: undefined,
    ...overrides,
  } as unknown as FieldExtensionComponentProps<T, O>;
}

/** A FieldValidation that records errors. */
export function recordingValidation() {
  const errors: string[] = [];
  return {
    errors,
    validation: {
      addError: (message: string) => {
        errors.push(message);
        return undefined as never;
      },
    } as never,
  };
}
