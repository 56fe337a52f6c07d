import { filtersFromSearch, searchWithFilters } from './policyFilters';

describe('policy filters in the address', () => {
  it('reads every filter, blank ones as none', () => {
    expect(
      filtersFromSearch(
        '?state=drifted&service=bookinfo%2Freviews&team=+&cluster=cluster-1',
      ),
    ).toEqual({
      filters: {
        state: 'drifted',
        service: 'bookinfo/reviews',
        team: undefined,
        cluster: 'cluster-1',
      },
      unknownState: undefined,
    });
    expect(filtersFromSearch('').filters).toEqual({});
  });

  it('reports a state the lifecycle does not have rather than filtering by it', () => {
    expect(filtersFromSearch('?state=broken')).toEqual({
      filters: {},
      unknownState: 'broken',
    });
  });

  it('writes the filters, keeps other parameters and drops blank filters', () => {
    expect(
      searchWithFilters('?tab=x&state=applied', {
        state: 'drifted',
        service: 'book info/reviews',
        team: ' ',
      }),
    ).toBe('?tab=x&state=drifted&service=book+info%2Freviews');
    expect(searchWithFilters('?state=applied', {})).toBe('');
  });
});
