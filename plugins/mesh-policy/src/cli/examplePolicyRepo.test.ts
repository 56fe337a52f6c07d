import path from 'node:path';
import { main } from './main';

// examples/policy-repo is what the README and the templates point people at: its rendered/
// must be what today's compiler renders (CI fails otherwise; re-render with
// `meshport-policy render examples/policy-repo --fleet examples/policy-repo/fleet.json`).
it('examples/policy-repo/rendered is current', async () => {
  const repo = path.join(__dirname, '../../../../examples/policy-repo');
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ['render', repo, '--fleet', path.join(repo, 'fleet.json'), '--check'],
    { stdout: l => out.push(l), stderr: l => err.push(l) },
  );
  expect({ code, errors: err.filter(l => !l.startsWith('warning:')) }).toEqual({
    code: 0,
    errors: [],
  });
});

// The example's render, analysed by every check of the engine over the example fleet (which
// carries no live config: the rendered objects alone), holds no error. A check that fires
// here either found a defect in the example or misreads Meshport's own output.
it('examples/policy-repo passes meshport-policy check', async () => {
  const repo = path.join(__dirname, '../../../../examples/policy-repo');
  const out: string[] = [];
  const code = await main(
    ['check', repo, '--fleet', path.join(repo, 'fleet.json')],
    { stdout: l => out.push(l), stderr: () => {} },
  );
  // on failure, the whole report says which check fired and on what
  expect(code === 0 ? [] : out).toEqual([]);
  // the demo's deliberate live mistakes are reported, and do not fail the repository's CI
  expect(out.join('\n')).toContain('MESH102');
  expect(out[out.length - 1]).toMatch(
    /already live and about no object .* renders \(reported, not failing the check\)$/,
  );
});

// The example's CODEOWNERS is what its owners.json asks for, as the repository's CI checks
// (re-write it with `meshport-policy codeowners examples/policy-repo --owners
// examples/policy-repo/owners.json --write`).
it('examples/policy-repo/CODEOWNERS is current', async () => {
  const repo = path.join(__dirname, '../../../../examples/policy-repo');
  const out: string[] = [];
  const code = await main(
    [
      'check',
      repo,
      '--fleet',
      path.join(repo, 'fleet.json'),
      '--owners',
      path.join(repo, 'owners.json'),
    ],
    { stdout: l => out.push(l), stderr: () => {} },
  );
  expect({ code, last: out[out.length - 1] }).toEqual({
    code: 0,
    last: 'CODEOWNERS is current (2 services)',
  });
});
