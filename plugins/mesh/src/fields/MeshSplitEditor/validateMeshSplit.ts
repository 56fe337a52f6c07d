import type { FieldValidation } from '../fieldValidation';
import { splitProblems, type SplitRow } from './splitRows';

/** The split's problems as field errors, so the form will not submit a split Istio would refuse. */
export function validateMeshSplit(
  value: SplitRow[] | undefined,
  validation: FieldValidation,
): void {
  if (!Array.isArray(value)) return;
  for (const problem of splitProblems(value)) validation.addError(problem);
}
