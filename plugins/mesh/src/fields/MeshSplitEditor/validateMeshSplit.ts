import type { FieldValidation } from '../fieldValidation';
import { splitProblems, type SplitRow } from './splitRows';

/** The split's problems as field errors, so the form will not submit a split Istio would refuse. */
export function validateMeshSplit(
  value: SplitRow[] | undefined,
  validation: FieldValidation,
): void {
  if (!Array.isArray(value)) return;
  // placeholders (no subset, no weight) are no rows: a request may set only a timeout
  const rows = value.filter(r => r && (r.subset || r.weight !== undefined));
  for (const problem of splitProblems(rows)) validation.addError(problem);
}
