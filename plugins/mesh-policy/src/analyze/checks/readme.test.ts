import fs from 'node:fs';
import path from 'node:path';
import { LIFECYCLE_CHECKS } from '../../lifecycle/findings';
import type { CheckInfo } from '../types';
import { ALL_CHECKS } from '.';

/** The analysis's checks and the policy lifecycle's findings (MESH8xx) share the table. */
const CHECKS: readonly CheckInfo[] = [...ALL_CHECKS, ...LIFECYCLE_CHECKS];

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
    for (const check of CHECKS) {
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
    const codes = CHECKS.map(c => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...rows.keys()].filter(c => !codes.includes(c))).toEqual([]);
    for (const c of ALL_CHECKS) expect(c.code).toMatch(/^MESH[1-7]\d\d$/);
    for (const c of LIFECYCLE_CHECKS) expect(c.code).toMatch(/^MESH8\d\d$/);
  });
});
