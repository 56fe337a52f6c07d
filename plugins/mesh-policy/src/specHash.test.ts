import { MESHPORT_SPEC_HASH_ANNOTATION } from '@meshport/backstage-plugin-mesh-common';
import { parse } from 'yaml';
import { canonicalSpec, renderedSpecHash } from './specHash';
import { toYaml } from './yaml';

describe('renderedSpecHash', () => {
  const spec = {
    hosts: ['reviews.bookinfo.svc.cluster.local'],
    http: [
      {
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 75 },
          { destination: { host: 'reviews', subset: 'v2' }, weight: 25 },
        ],
        timeout: '3s',
      },
    ],
  };

  it('is sha256 of the canonical JSON, written as sha256:<64 hex>', () => {
    expect(renderedSpecHash(spec)).toMatch(/^sha256:[0-9a-f]{64}$/);
    // sha256 of `{}`, the canonical form of an empty spec
    expect(renderedSpecHash({})).toBe(
      'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
  });

  it('hashes the spec as the API server serves it back the same', () => {
    // keys re-ordered (a Go map re-encoded), 75.0 for 75, nulls and empty maps and lists
    const served = JSON.parse(
      '{"http":[{"timeout":"3s","route":[{"weight":75.0,"destination":{"subset":"v1","host":"reviews"}},' +
        '{"destination":{"host":"reviews","subset":"v2"},"weight":25,"headers":{}}],"fault":null}],' +
        '"hosts":["reviews.bookinfo.svc.cluster.local"],"exportTo":[]}',
    );
    expect(renderedSpecHash(served)).toBe(renderedSpecHash(spec));
    // and after a round trip through the YAML the repository holds
    expect(renderedSpecHash(parse(toYaml(spec)))).toBe(renderedSpecHash(spec));
  });

  it('changes when a value or the order of a list changes', () => {
    const edited = structuredClone(spec);
    edited.http[0].route[0].weight = 70;
    expect(renderedSpecHash(edited)).not.toBe(renderedSpecHash(spec));
    const reordered = structuredClone(spec);
    reordered.http[0].route.reverse();
    expect(renderedSpecHash(reordered)).not.toBe(renderedSpecHash(spec));
  });

  it("ignores the API server's schema defaults of HTTPRoute", () => {
    const owner = {
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'HTTPRoute',
    };
    const rendered = {
      parentRefs: [
        { group: '', kind: 'Service', name: 'checkout', port: 9080 },
      ],
      rules: [{ backendRefs: [{ name: 'checkout', port: 9080 }] }],
    };
    const served = {
      parentRefs: [
        { group: '', kind: 'Service', name: 'checkout', port: 9080 },
      ],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [
            {
              group: '',
              kind: 'Service',
              name: 'checkout',
              port: 9080,
              weight: 1,
            },
          ],
        },
      ],
    };
    expect(renderedSpecHash(served, owner)).toBe(
      renderedSpecHash(rendered, owner),
    );
    // a default of one kind is a value of another: an Istio object keeps it
    expect(renderedSpecHash(served)).not.toBe(renderedSpecHash(rendered));
    // a value other than the default is kept
    expect(
      canonicalSpec(
        {
          parentRefs: [
            { name: 'x', group: 'policy.linkerd.io', kind: 'Server' },
          ],
        },
        owner,
      ),
    ).toEqual({ parentRefs: [{ kind: 'Server', name: 'x' }] });
  });

  it('never throws on odd input', () => {
    for (const odd of [null, undefined, 3, 'x', [], [null], { a: NaN }])
      expect(renderedSpecHash(odd)).toMatch(/^sha256:/);
  });
});

describe('the spec hash of rendered files', () => {
  it('is the hash of the spec each rendered file holds, as read back from YAML', () => {
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const path = jest.requireActual<typeof import('node:path')>('node:path');
    const roots = [
      path.resolve(__dirname, '__fixtures__/golden'),
      path.resolve(__dirname, '../../../examples/policy-repo/rendered'),
    ];
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.includes(`${path.sep}rendered${path.sep}`)) files.push(p);
      }
    };
    roots.forEach(walk);
    expect(files.length).toBeGreaterThan(20);
    const mismatched = files.filter(f => {
      const doc = parse(fs.readFileSync(f, 'utf8'));
      return (
        doc.metadata.annotations[MESHPORT_SPEC_HASH_ANNOTATION] !==
        renderedSpecHash(doc.spec, doc)
      );
    });
    expect(mismatched).toEqual([]);
  });
});
