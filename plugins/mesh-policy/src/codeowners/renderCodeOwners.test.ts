import { renderCodeOwners } from './renderCodeOwners';

const platform = ['@acme/platform'];

describe('renderCodeOwners', () => {
  it('writes the default owners first, then each service in order, for both folders', () => {
    const text = renderCodeOwners({
      provider: 'github',
      defaultOwners: platform,
      services: [
        { namespace: 'shop', service: 'checkout', owners: ['@acme/shop'] },
        {
          namespace: 'bookinfo',
          service: 'reviews',
          owners: ['@acme/reviews', '@alice', '@acme/reviews'],
        },
      ],
    });
    expect(text).toBe(
      [
        '# Maintained by Meshport from the software catalog: each service owns its policies and',
        '# rendered objects. Edit owners in the catalog, not here; `meshport-policy check --owners`',
        '# fails while this file differs from what `meshport-policy codeowners` writes.',
        '# The last matching rule wins, so the default owners come first.',
        '',
        '* @acme/platform',
        '/CODEOWNERS @acme/platform',
        '',
        '/policies/bookinfo/reviews/ @acme/reviews @alice',
        '/rendered/*/bookinfo/reviews/ @acme/reviews @alice',
        '',
        '/policies/shop/checkout/ @acme/shop',
        '/rendered/*/shop/checkout/ @acme/shop',
        '',
      ].join('\n'),
    );
  });

  it('gives a service without a known SCM identity to the default owners, never an empty rule', () => {
    const text = renderCodeOwners({
      provider: 'gitlab',
      defaultOwners: ['@acme/platform', '@bob'],
      services: [{ namespace: 'bookinfo', service: 'ratings', owners: [] }],
    });
    expect(text).toContain('/policies/bookinfo/ratings/ @acme/platform @bob\n');
    expect(text).toContain(
      '/rendered/*/bookinfo/ratings/ @acme/platform @bob\n',
    );
  });

  it('writes GitLab nested groups, which GitHub cannot name', () => {
    const input = {
      defaultOwners: platform,
      services: [
        {
          namespace: 'bookinfo',
          service: 'reviews',
          owners: ['@acme/mesh/reviews'],
        },
      ],
    };
    expect(renderCodeOwners({ ...input, provider: 'gitlab' })).toContain(
      '/policies/bookinfo/reviews/ @acme/mesh/reviews\n',
    );
    expect(() => renderCodeOwners({ ...input, provider: 'github' })).toThrow(
      'the owners of bookinfo/reviews: "@acme/mesh/reviews" is not an owner GitHub CODEOWNERS can name: write "@org/team" or "@user"',
    );
  });

  it.each([
    [
      'a service name with a space',
      { namespace: 'bookinfo', service: 'my reviews', owners: ['@a'] },
      'the owners of bookinfo/my reviews: the service "my reviews" is not a Kubernetes name (lower-case letters, digits and "-"), so no CODEOWNERS rule can be written for it',
    ],
    [
      'a namespace with a wildcard',
      { namespace: 'book*', service: 'reviews', owners: ['@a'] },
      'the namespace "book*" is not a Kubernetes name',
    ],
    [
      'an empty service',
      { namespace: 'bookinfo', service: '', owners: ['@a'] },
      'the service "" is not a Kubernetes name',
    ],
    [
      'an owner without @',
      { namespace: 'bookinfo', service: 'reviews', owners: ['acme/reviews'] },
      '"acme/reviews" is not an owner GitHub CODEOWNERS can name',
    ],
    [
      'an owner with a space',
      { namespace: 'bookinfo', service: 'reviews', owners: ['@acme/team a'] },
      '"@acme/team a" is not an owner',
    ],
    [
      'an owner that would start a comment',
      { namespace: 'bookinfo', service: 'reviews', owners: ['#@acme'] },
      '"#@acme" is not an owner',
    ],
  ])('refuses %s', (_case, service, message) => {
    expect(() =>
      renderCodeOwners({
        provider: 'github',
        defaultOwners: platform,
        services: [service],
      }),
    ).toThrow(message);
  });

  it('refuses empty or malformed default owners', () => {
    expect(() =>
      renderCodeOwners({ provider: 'github', defaultOwners: [], services: [] }),
    ).toThrow('the default owners are empty: name the platform team');
    expect(() =>
      renderCodeOwners({
        provider: 'github',
        defaultOwners: ['platform'],
        services: [],
      }),
    ).toThrow('the default owners: "platform" is not an owner');
  });

  it('refuses the second claimant of a service, naming both', () => {
    expect(() =>
      renderCodeOwners({
        provider: 'github',
        defaultOwners: platform,
        services: [
          { namespace: 'bookinfo', service: 'reviews', owners: ['@acme/a'] },
          { namespace: 'bookinfo', service: 'reviews', owners: ['@acme/b'] },
        ],
      }),
    ).toThrow(
      'bookinfo/reviews is listed twice (owners @acme/a, then @acme/b): a service has one set of owners; fix the catalog so that one component claims it',
    );
  });

  it('writes the same text whatever the order of the services', () => {
    const services = [
      { namespace: 'shop', service: 'checkout', owners: ['@acme/shop'] },
      { namespace: 'bookinfo', service: 'reviews', owners: ['@acme/reviews'] },
      { namespace: 'bookinfo', service: 'ratings', owners: [] },
    ];
    const text = (list: typeof services) =>
      renderCodeOwners({
        provider: 'github',
        defaultOwners: platform,
        services: list,
      });
    expect(text([...services].reverse())).toBe(text(services));
    expect(text([services[1], services[2], services[0]])).toBe(text(services));
  });
});
