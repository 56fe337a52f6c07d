import { compile } from '../compile';
import { linkerdFleet, multiPrimaryFleet } from '../__fixtures__/fleets';
import { accessGrant } from '../__fixtures__/policies';

describe('an access grant on a service nothing restricted yet', () => {
  const closing = (r: ReturnType<typeof compile>) =>
    r.warnings
      .map(w => w.message)
      .filter(m => m.includes('denies every caller it does not name'));

  it('warns, per serving cluster, that Istio will deny every caller it does not name', () => {
    const result = compile([accessGrant()], multiPrimaryFleet());
    expect(result.errors).toEqual([]);
    expect(closing(result)).toEqual([
      expect.stringMatching(
        /^no AuthorizationPolicy selects reviews.bookinfo in cluster-1 yet: with this ALLOW grant, Istio denies every caller it does not name there/,
      ),
      expect.stringMatching(
        /^no AuthorizationPolicy selects reviews.bookinfo in cluster-2 yet/,
      ),
    ]);
  });

  it('says nothing where an AuthorizationPolicy already selects the service', () => {
    const fleet = multiPrimaryFleet();
    const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews')!;
    for (const i of reviews.instances) {
      i.config = [
        ...i.config,
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          namespace: 'bookinfo',
          name: 'reviews-callers',
        },
      ];
    }
    expect(closing(compile([accessGrant()], fleet))).toEqual([]);
  });

  it('warns for Linkerd, whose first Server refuses unnamed callers', () => {
    const fleet = linkerdFleet();
    const grant = accessGrant();
    grant.metadata = { name: 'web-calls-checkout', namespace: 'shop' };
    grant.spec = {
      sources: [
        { cluster: 'east', namespace: 'shop', serviceAccount: 'bookinfo-web' },
      ],
      destination: { service: 'checkout', namespace: 'shop' },
    };
    const result = compile([grant], fleet);
    expect(result.errors).toEqual([]);
    expect(
      result.warnings.map(w => w.message).filter(m => m.includes('Server')),
    ).toContainEqual(
      expect.stringMatching(
        /^no Linkerd Server covers .* yet: the Server this grant creates refuses every caller it does not name/,
      ),
    );
  });
});
