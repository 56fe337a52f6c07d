import { codeOwnersDifference, codeOwnersStatus } from './codeOwnersStatus';
import { renderCodeOwners } from './renderCodeOwners';

const expected = renderCodeOwners({
  provider: 'github',
  defaultOwners: ['@acme/platform'],
  services: [
    {
      namespace: 'bookinfo',
      service: 'reviews',
      owners: ['@acme/reviews', '@alice'],
    },
    { namespace: 'shop', service: 'checkout', owners: ['@acme/shop'] },
  ],
});

describe('codeOwnersStatus', () => {
  it('is absent without a file, current for the same rules however written', () => {
    expect(codeOwnersStatus(undefined, expected)).toBe('absent');
    expect(codeOwnersStatus(expected, expected)).toBe('current');
    const reformatted = expected
      .split('\n')
      .filter(l => !l.startsWith('#') && l !== '')
      .map(l => l.replace(' ', '\t\t'))
      .map(l => l.replace('@acme/reviews @alice', '@alice  @acme/reviews'))
      .join('\r\n');
    expect(codeOwnersStatus(`# mine\n${reformatted}`, expected)).toBe(
      'current',
    );
  });

  it('is out of date for another owner, a missing or extra rule, or another order', () => {
    expect(
      codeOwnersStatus(expected.replace('@acme/shop', '@mallory'), expected),
    ).toBe('out-of-date');
    expect(
      codeOwnersStatus(
        expected.replace('/rendered/*/shop/checkout/ @acme/shop\n', ''),
        expected,
      ),
    ).toBe('out-of-date');
    expect(codeOwnersStatus(`${expected}/README.md @docs\n`, expected)).toBe(
      'out-of-date',
    );
    expect(codeOwnersStatus('', expected)).toBe('out-of-date');
    const lines = expected.split('\n');
    const star = lines.indexOf('* @acme/platform');
    const moved = [
      ...lines.slice(0, star),
      ...lines.slice(star + 1),
      '* @acme/platform',
    ].join('\n');
    expect(codeOwnersStatus(moved, expected)).toBe('out-of-date');
    expect(codeOwnersDifference(moved, expected)).toEqual({
      services: [],
      patterns: [],
      reordered: true,
    });
  });
});

describe('codeOwnersDifference', () => {
  it('names the services whose rules differ and the other patterns', () => {
    const current = expected
      .replace(
        '/policies/shop/checkout/ @acme/shop',
        '/policies/shop/checkout/ @mallory',
      )
      .replace('/CODEOWNERS @acme/platform\n', '')
      .concat('/policies/old/gone/ @x\n/README.md @docs\n');
    expect(codeOwnersDifference(current, expected)).toEqual({
      services: ['old/gone', 'shop/checkout'],
      patterns: ['/CODEOWNERS', '/README.md'],
      reordered: false,
    });
    expect(codeOwnersDifference(expected, expected)).toEqual({
      services: [],
      patterns: [],
      reordered: false,
    });
  });

  it('names a service whose rule appears twice', () => {
    const doubled = `${expected}/policies/bookinfo/reviews/ @acme/reviews @alice\n`;
    expect(codeOwnersDifference(doubled, expected).services).toEqual([
      'bookinfo/reviews',
    ]);
  });
});
