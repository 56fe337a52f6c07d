/** A plain text table: the first row is the header, numbers align right. */
export function formatTable(rows: Array<Array<string | number>>): string {
  const cells = rows.map(r => r.map(c => String(c)));
  const widths = cells[0].map((_, i) =>
    Math.max(...cells.map(r => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) =>
        typeof rows[0][i] === 'number' || /^[\d.,× -]+( ms| MiB| s|×)?$/.test(c)
          ? c.padStart(widths[i])
          : c.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd();
  return [
    line(cells[0]),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}
