import { selectorMatches } from './labelSelector';

describe('selectorMatches', () => {
  const labels: Record<string, string> = { app: 'reviews', version: 'v2' };
  const read = (key: string) => labels[key];

  it.each([
    [undefined, true],
    ['', true],
    ['app=reviews', true],
    ['app==reviews', true],
    ['app=ratings', false],
    ['app!=ratings', true],
    ['app!=reviews', false],
    ['version', true],
    ['!version', false],
    ['!owner', true],
    ['app=reviews, version=v2', true],
    ['app=reviews,version=v1', false],
    [' , app=reviews ,', true],
  ])('%j → %s', (selector, expected) => {
    expect(selectorMatches(selector, read)).toBe(expected);
  });
});
