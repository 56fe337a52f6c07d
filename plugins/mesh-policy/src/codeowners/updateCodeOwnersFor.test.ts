import { codeOwnersStatus } from './codeOwnersStatus';
import { renderCodeOwners, ServiceCodeOwners } from './renderCodeOwners';
import { updateCodeOwnersFor } from './updateCodeOwnersFor';

const options = {
  provider: 'github' as const,
  defaultOwners: ['@acme/platform'],
};
const reviews: ServiceCodeOwners = {
  namespace: 'bookinfo',
  service: 'reviews',
  owners: ['@acme/reviews'],
};
const checkout: ServiceCodeOwners = {
  namespace: 'shop',
  service: 'checkout',
  owners: ['@acme/shop'],
};
const ratings: ServiceCodeOwners = {
  namespace: 'bookinfo',
  service: 'ratings',
  owners: ['@acme/ratings'],
};
const all = (services: ServiceCodeOwners[]) =>
  renderCodeOwners({ ...options, services });

describe('updateCodeOwnersFor', () => {
  it('writes the whole file when the repository has none', () => {
    expect(updateCodeOwnersFor(undefined, reviews, options)).toBe(
      all([reviews]),
    );
  });

  it('adds a new service in order, as the whole render would', () => {
    const current = all([reviews, checkout]);
    expect(updateCodeOwnersFor(current, ratings, options)).toBe(
      all([ratings, reviews, checkout]),
    );
    expect(updateCodeOwnersFor(all([reviews]), checkout, options)).toBe(
      all([reviews, checkout]),
    );
    // before every other service: right after the default rules
    expect(updateCodeOwnersFor(all([checkout]), reviews, options)).toBe(
      all([reviews, checkout]),
    );
  });

  it("replaces the service's rules where they stand, keeping everything else as written", () => {
    const current = `# hand-written note\n${all([
      reviews,
      checkout,
    ])}/README.md @docs\n`;
    const updated = updateCodeOwnersFor(
      current,
      { ...checkout, owners: ['@acme/payments'] },
      options,
    );
    expect(updated).toBe(current.replace(/@acme\/shop/g, '@acme/payments'));
  });

  it('drops a second copy of the rule, which would win as the last match', () => {
    const current = `${all([reviews])}/policies/bookinfo/reviews/ @mallory\n`;
    expect(updateCodeOwnersFor(current, reviews, options)).toBe(all([reviews]));
  });

  it('restores a half-missing pair beside the half that is there', () => {
    const current = all([reviews, checkout]).replace(
      '/rendered/*/bookinfo/reviews/ @acme/reviews\n',
      '',
    );
    expect(
      codeOwnersStatus(
        updateCodeOwnersFor(current, reviews, options),
        all([reviews, checkout]),
      ),
    ).toBe('current');
  });

  it('appends to a file without default rules, and gives an ownerless service to the platform', () => {
    expect(
      updateCodeOwnersFor('/docs/ @docs', { ...ratings, owners: [] }, options),
    ).toBe(
      '/docs/ @docs\n\n/policies/bookinfo/ratings/ @acme/platform\n/rendered/*/bookinfo/ratings/ @acme/platform\n',
    );
  });

  it('refuses what CODEOWNERS cannot express, changing nothing', () => {
    expect(() =>
      updateCodeOwnersFor(
        all([reviews]),
        { ...reviews, service: 'my reviews' },
        options,
      ),
    ).toThrow('the service "my reviews" is not a Kubernetes name');
  });

  it('changes nothing the second time', () => {
    const once = updateCodeOwnersFor(
      `# mine\n${all([checkout])}`,
      reviews,
      options,
    );
    expect(updateCodeOwnersFor(once, reviews, options)).toBe(once);
  });
});
