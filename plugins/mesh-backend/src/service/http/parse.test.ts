import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { parseOrThrow, servicePathSchema } from './parse';

describe('servicePathSchema', () => {
  const parse = (params: unknown) =>
    parseOrThrow(servicePathSchema, params, 'service path');

  it('accepts DNS-1123 labels, a Service name starting with a digit included (KEP-5311)', () => {
    expect(parse({ namespace: '1st-team', name: '2nd-reviews' })).toEqual({
      namespace: '1st-team',
      name: '2nd-reviews',
    });
    expect(parse({ namespace: 'a'.repeat(63), name: 'r'.repeat(63) })).toEqual({
      namespace: 'a'.repeat(63),
      name: 'r'.repeat(63),
    });
  });

  it.each([
    [{ namespace: '', name: 'reviews' }, 'namespace: namespace is missing'],
    [{ name: 'reviews' }, 'namespace: '],
    [{ namespace: 'a'.repeat(64), name: 'reviews' }, 'is not a DNS-1123 label'],
    [{ namespace: 'book.info', name: 'reviews' }, 'is not a DNS-1123 label'],
    [
      { namespace: 'bookinfo', name: 'r'.repeat(64) },
      'is not a DNS-1123 label',
    ],
    [{ namespace: 'bookinfo', name: 'Reviews' }, 'is not a DNS-1123 label'],
  ])('refuses %j with a 400 naming the field', (params, message) => {
    expect(() => parse(params)).toThrow(InputError);
    expect(() => parse(params)).toThrow(message);
  });

  it('names every offending field at once', () => {
    expect(() => parse({ namespace: 'A', name: 'B' })).toThrow(
      /^Invalid service path: namespace: .*; name: /,
    );
  });
});

describe('parseOrThrow', () => {
  it('reports unknown parameters of a strict schema by name', () => {
    expect(() =>
      parseOrThrow(
        z.object({ q: z.string() }).strict(),
        { q: 'x', p: 1 },
        'query',
      ),
    ).toThrow('Invalid query: unknown parameter(s) p');
  });
});
