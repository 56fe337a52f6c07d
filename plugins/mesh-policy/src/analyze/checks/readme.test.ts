import fs from 'node:fs';
import path from 'node:path';
import { ALL_CHECKS } from '.';

/** The README's findings table, one row per code: `| MESH101 | error | … | IST0101 / KIA0101 |`. */
function readmeRows(): Map<string, string[]> {
  const readme = fs.readFileSync(
    path.resolve(__dirname, '../../../README.md'),
    'utf8',
  );
  const rows = new Map<string, string[]>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map(c => c.trim());
    if (/^MESH\d{3}$/.test(cells[1] ?? ''))
      rows.set(cells[1], cells.slice(1, -1));
  }
  return rows;
}

describe('the findings table', () => {
  const rows = readmeRows();

  it('has a row for every check, with its severity and equivalents', () => {
    for (const check of ALL_CHECKS) {
      const row = rows.get(check.code);
      expect({ code: check.code, row: row !== undefined }).toEqual({
        code: check.code,
        row: true,
      });
      expect({ code: check.code, severity: row![1] }).toEqual({
        code: check.code,
        severity: check.severity,
      });
      const equivalents = row![5];
      const expected = [check.istio, check.kiali].filter(Boolean) as string[];
      expect(expected.filter(code => !equivalents.includes(code))).toEqual([]);
    }
  });

  it('lists no code the engine lacks, and no code twice', () => {
    const codes = ALL_CHECKS.map(c => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...rows.keys()].filter(c => !codes.includes(c))).toEqual([]);
    for (const c of codes) expect(c).toMatch(/^MESH[1-7]\d\d$/);
  });
});
