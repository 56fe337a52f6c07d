import {
  assertKubernetesName,
  escapeLabelValue,
  eq,
  oneOf,
  renderMatcher,
  selector,
} from './labels';

describe('escapeLabelValue', () => {
  it('escapes backslashes, double quotes and newlines', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('keeps a value that tries to close the string inside it', () => {
    const hostile = 'x"} or vector(1) or foo{a="';
    expect(renderMatcher(eq('destination_service_name', hostile))).toBe(
      'destination_service_name="x\\"} or vector(1) or foo{a=\\""',
    );
  });

  it('escapes the backslash before the quote, so `\\"` cannot unescape the quote', () => {
    expect(renderMatcher(eq('a', '\\"'))).toBe('a="\\\\\\""');
  });
});

describe('selector', () => {
  it('renders matchers in order', () => {
    expect(
      selector('istio_requests_total', [
        eq('reporter', 'destination'),
        oneOf('response_code', ['5..', '0']),
      ]),
    ).toBe(
      'istio_requests_total{reporter="destination",response_code=~"5\\\\.\\\\.|0"}',
    );
  });

  it('refuses label and metric names that are not Prometheus names', () => {
    expect(() => selector('istio_requests_total', [eq('a"b', 'x')])).toThrow(
      `'a"b' is not a valid Prometheus label name`,
    );
    expect(() => selector('up{}', [])).toThrow(
      'not a valid Prometheus label name',
    );
  });
});

describe('assertKubernetesName', () => {
  it('accepts Kubernetes names and rejects the rest', () => {
    expect(assertKubernetesName('namespace', 'bookinfo', 'dns1123-label')).toBe(
      'bookinfo',
    );
    expect(() =>
      assertKubernetesName('namespace', 'Book"info', 'dns1123-label'),
    ).toThrow('namespace "Book\\"info" is not a DNS-1123 label');
    expect(() =>
      assertKubernetesName('service name', 'a'.repeat(64), 'dns1035-label'),
    ).toThrow();
    expect(() =>
      assertKubernetesName('service name', '-reviews', 'dns1035-label'),
    ).toThrow();
    expect(() =>
      assertKubernetesName('service name', '9lives', 'dns1035-label'),
    ).toThrow('service name "9lives" is not a DNS-1035 label');
    expect(() =>
      assertKubernetesName('namespace', '', 'dns1123-label'),
    ).toThrow('namespace is missing');
  });
});
