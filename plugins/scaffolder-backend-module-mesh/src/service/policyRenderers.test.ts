import { ParsedPolicies, PolicyRenderers } from './policyRenderers';

const policy = `apiVersion: meshport.dev/v1alpha1
kind: AccessPolicy
metadata:
  name: productpage-reads-reviews
  namespace: bookinfo
spec:
  sources:
    - cluster: cluster-1
      namespace: bookinfo
      serviceAccount: bookinfo-productpage
  destination:
    service: reviews
    namespace: bookinfo
    port: 9080
`;

describe('PolicyRenderers', () => {
  it('keeps one renderer per repository, and one for requests naming none', () => {
    const renderers = new PolicyRenderers(3);
    const a = renderers.forRepository('github.com?owner=o&repo=a');
    expect(renderers.forRepository('github.com?owner=o&repo=a')).toBe(a);
    expect(renderers.forRepository('github.com?owner=o&repo=b')).not.toBe(a);
    expect(renderers.forRepository()).toBe(renderers.forRepository(''));
  });

  it('holds at most as many as it was given room for, dropping the least recently used', () => {
    const renderers = new PolicyRenderers(2);
    const a = renderers.forRepository('a');
    const b = renderers.forRepository('b');
    renderers.forRepository('a');
    renderers.forRepository('c');
    expect(renderers.forRepository('a')).toBe(a);
    expect(renderers.forRepository('b')).not.toBe(b);
  });

  it('keeps room for one even when given none', () => {
    const renderers = new PolicyRenderers(0);
    const a = renderers.forRepository('a');
    expect(renderers.forRepository('a')).toBe(a);
  });
});

describe('ParsedPolicies', () => {
  it('parses a text once while reads keep using it', () => {
    const parsed = new ParsedPolicies();
    const first = parsed.parse(policy);
    expect(first.ok).toBe(true);
    parsed.rotate();
    expect(parsed.parse(policy)).toBe(first);
    parsed.rotate();
    expect(parsed.parse(policy)).toBe(first);
  });

  it('forgets a text two reads did not use, and reports broken ones each time', () => {
    const parsed = new ParsedPolicies();
    const first = parsed.parse(policy);
    parsed.rotate();
    parsed.rotate();
    expect(parsed.parse(policy)).not.toBe(first);
    expect(parsed.parse('kind: [').ok).toBe(false);
    expect(parsed.parse('').ok).toBe(false);
  });
});
