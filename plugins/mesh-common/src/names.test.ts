import {
  DNS1123_LABEL_PATTERN,
  DNS1123_LABEL_REGEX,
  DNS1123_SUBDOMAIN_REGEX,
  followsRule,
  isDns1035Label,
  isDnsLabel,
  isDnsSubdomain,
  nameProblem,
  SERVICE_NAME_RULE,
} from './names';

// The label cases are those of TestIsDNS1123Label in
// k8s.io/apimachinery/pkg/util/validation/validation_test.go, the rule's own table.
describe('Kubernetes name rules', () => {
  it('accepts DNS-1123 labels and refuses the rest', () => {
    const good = [
      'a',
      'ab',
      'abc',
      'a1',
      'a-1',
      'a--1--2--b',
      '0',
      '01',
      '012',
    ];
    good.push('1a', '1-a', '1--a--b--2', 'a'.repeat(63));
    for (const ok of good) expect([ok, isDnsLabel(ok)]).toEqual([ok, true]);
    const bad: unknown[] = ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A'];
    bad.push('-', 'a-', '-a', '1-', '-1');
    bad.push('_', 'a_', '_a', 'a_b', '1_', '_1', '1_2');
    bad.push('.', 'a.', '.a', 'a.b', '1.', '.1', '1.2');
    bad.push(' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'a'.repeat(64));
    // and what reaches Meshport that is not even a string, or its own example
    bad.push('Prod Cluster', 7, null, undefined, {});
    for (const value of bad)
      expect([value, isDnsLabel(value)]).toEqual([value, false]);
  });

  it('accepts DNS-1123 subdomains and refuses the rest', () => {
    for (const ok of [
      'a',
      'a.b.c.d.e',
      'aaa.bbb.ccc',
      'a1.b2.c3',
      '0.1.2',
      'a-1.b--2',
      `${'a'.repeat(63)}.${'b'.repeat(63)}`,
      'a'.repeat(253),
    ])
      expect([ok, isDnsSubdomain(ok)]).toEqual([ok, true]);
    for (const bad of [
      '',
      'A',
      'a.B',
      'a..b',
      '.a',
      'a.',
      'a-.b',
      'a.-b',
      'a_b',
      'a b',
      'a'.repeat(254),
      42,
    ])
      expect([bad, isDnsSubdomain(bad)]).toEqual([bad, false]);
  });

  it('says what is wrong, naming the value and the rule', () => {
    expect(
      nameProblem('cluster name', 'prod', 'dns1123-label'),
    ).toBeUndefined();
    expect(nameProblem('metadata.name', undefined, 'dns1123-subdomain')).toBe(
      'metadata.name is missing',
    );
    expect(nameProblem('metadata.name', 7, 'dns1123-subdomain')).toBe(
      'metadata.name 7 is not a string',
    );
    expect(nameProblem('metadata.name', {}, 'dns1123-label')).toBe(
      'metadata.name {} is not a string',
    );
    expect(nameProblem('cluster name', 'Prod Cluster', 'dns1123-label')).toBe(
      'cluster name "Prod Cluster" is not a DNS-1123 label: at most 63 characters, lowercase letters, digits and \'-\', starting and ending with a letter or digit',
    );
    // a huge value is cut short in the message
    expect(
      nameProblem('metadata.name', 'X'.repeat(10_000), 'dns1123-subdomain')!
        .length,
    ).toBeLessThan(300);
  });
});

describe('DNS-1035 labels and the patterns other packages compose', () => {
  // the cases of TestIsDNS1035Label in k8s.io/apimachinery's validation_test.go
  it('accepts DNS-1035 labels and refuses the rest', () => {
    for (const ok of [
      'a',
      'ab',
      'abc',
      'a1',
      'a-1',
      'a--1--2--b',
      'a'.repeat(63),
    ])
      expect([ok, isDns1035Label(ok)]).toEqual([ok, true]);
    for (const bad of [
      '0',
      '01',
      '1a',
      '1-a',
      '',
      'A',
      'a-',
      '-a',
      'a.b',
      'a'.repeat(64),
      7,
    ])
      expect([bad, isDns1035Label(bad)]).toEqual([bad, false]);
  });

  it('names the rule a name breaks', () => {
    expect(nameProblem('service name', '1st', 'dns1035-label')).toBe(
      'service name "1st" is not a DNS-1035 label: at most 63 characters, lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit',
    );
    expect(followsRule('dns1035-label', 'reviews')).toBe(true);
  });

  it('takes Service names as clusters admit them since KEP-5311: a leading digit is fine', () => {
    expect(
      nameProblem('service name', '1st', SERVICE_NAME_RULE),
    ).toBeUndefined();
  });

  it('gives the label pattern unanchored, for `<namespace>/<name>`', () => {
    const ref = new RegExp(
      `^${DNS1123_LABEL_PATTERN}/${DNS1123_LABEL_PATTERN}$`,
    );
    expect(ref.test('bookinfo/reviews')).toBe(true);
    expect(ref.test('bookinfo/reviews/x')).toBe(false);
    expect(DNS1123_LABEL_REGEX.test('reviews')).toBe(true);
    expect(DNS1123_SUBDOMAIN_REGEX.test('reviews.bookinfo')).toBe(true);
    expect(DNS1123_LABEL_REGEX.test('reviews.bookinfo')).toBe(false);
  });
});
