/** The helper text under a picker: the load error if any, else the schema's description. */
export function fieldHelperText(
  error: Error | undefined,
  what: string,
  description: string | undefined,
): string | undefined {
  if (error) {
    return `Could not load ${what} from the mesh backend (${error.message}); retry later or ask the platform team.`;
  }
  return description;
}
