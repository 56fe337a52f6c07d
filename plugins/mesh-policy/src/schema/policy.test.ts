import { parsePolicy, parsePolicyYaml } from './policy';
import { seedPolicy } from '../__fixtures__/policies';

describe('parsePolicy', () => {
  it('accepts the seed policy', () => {
    expect(parsePolicy(seedPolicy())).toEqual({
      ok: true,
      policy: seedPolicy(),
    });
  });

  it('says how far the weights are off', () => {
    const p = seedPolicy();
    p.spec.route![0].weight = 65;
    expect(parsePolicy(p)).toEqual({
      ok: false,
      errors: [
        {
          path: 'spec.route',
          message: 'weights add up to 90, they must add up to 100',
        },
      ],
    });
  });

  it.each([
    ['../etc', 'metadata.name'],
    ['Reviews', 'metadata.name'],
    ['a: b', 'metadata.name'],
    ['x'.repeat(64), 'metadata.name'],
  ])('rejects the name %j', (name, path) => {
    const p = seedPolicy();
    p.metadata.name = name;
    const r = parsePolicy(p);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0].path).toBe(path);
  });

  it('names unknown fields and the kind', () => {
    const r = parsePolicy({
      ...seedPolicy(),
      spec: { ...seedPolicy().spec, weight: 1 },
    });
    expect(!r.ok && r.errors).toEqual([
      {
        path: 'spec',
        message: 'unknown field "weight": remove it or check the spelling',
      },
    ]);
    const k = parsePolicy({ ...seedPolicy(), kind: 'VirtualMesh' });
    expect(!k.ok && k.errors[0].message).toBe(
      'kind must be one of AccessPolicy, TrafficPolicy, VirtualDestination, got "VirtualMesh"',
    );
  });

  it('keeps the policy ref within a label value', () => {
    const p = seedPolicy();
    p.metadata.namespace = 'n'.repeat(40);
    p.metadata.name = 'm'.repeat(30);
    const r = parsePolicy(p);
    expect(!r.ok && r.errors[0].message).toMatch(
      /shorten the name to at most 8 characters/,
    );
  });
});

describe('parsePolicyYaml', () => {
  it('parses one document and refuses several or aliases', () => {
    const text = `apiVersion: meshport.dev/v1alpha1
kind: TrafficPolicy
metadata: { name: t, namespace: bookinfo }
spec:
  destination: { service: reviews, namespace: bookinfo }
  timeout: 5s
`;
    expect(parsePolicyYaml(text).ok).toBe(true);
    expect(parsePolicyYaml(`${text}---\n${text}`)).toMatchObject({
      ok: false,
      errors: [{ path: '' }],
    });
    expect(parsePolicyYaml('a: [').ok).toBe(false);
    expect(parsePolicyYaml('a: &x 1\nb: *x\n').ok).toBe(false);
  });
});
