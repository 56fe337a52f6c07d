import type { KubeObject } from './ClusterReader';
import { ClusterReadError } from './ClusterReadError';
import { projectListPage } from './projectListPage';

const keep = (o: KubeObject) => o.metadata;
const page = (items: unknown[], metadata: unknown = {}) =>
  Buffer.from(JSON.stringify({ kind: 'List', metadata, items }), 'utf8');

describe('projectListPage', () => {
  it('decodes ASCII and UTF-8 pages alike: a label value outside ASCII stays whole', () => {
    const items = [
      { metadata: { name: 'a', labels: { team: 'paiement' } } },
      { metadata: { name: 'b', labels: { team: 'équipe-😀', note: 'ß' } } },
    ];
    expect(
      projectListPage(page(items), {
        map: keep,
        dropManagedFields: true,
        what: 'GET /api/v1/pods',
      }).records,
    ).toEqual(items.map(i => i.metadata));
    expect(
      projectListPage(page(items.slice(0, 1)), {
        map: keep,
        dropManagedFields: false,
        what: 'GET /api/v1/pods',
      }).records,
    ).toEqual([items[0].metadata]);
  });

  it('reads where the list goes on; an empty or non-string token is its end', () => {
    const at = (metadata: unknown) => {
      const { continueToken, resourceVersion } = projectListPage(
        page([], metadata),
        { map: keep, dropManagedFields: true, what: 'GET' },
      );
      return { continueToken, resourceVersion };
    };
    expect(at({ continue: 'next', resourceVersion: '9' })).toEqual({
      continueToken: 'next',
      resourceVersion: '9',
    });
    expect(at({ continue: '' })).toEqual({
      continueToken: undefined,
      resourceVersion: undefined,
    });
    expect(at({ continue: 3, resourceVersion: 9 })).toEqual({
      continueToken: undefined,
      resourceVersion: undefined,
    });
    expect(at('not metadata')).toEqual({
      continueToken: undefined,
      resourceVersion: undefined,
    });
  });

  it('refuses what is not a Kubernetes List, naming the request', () => {
    const project = (text: string) => () =>
      projectListPage(Buffer.from(text), {
        map: keep,
        dropManagedFields: true,
        what: 'GET /api/v1/pods',
      });
    expect(project('')).toThrow(
      new ClusterReadError(
        'malformed-response',
        'GET /api/v1/pods returned JSON that is not a Kubernetes List',
      ),
    );
    expect(project('{"items":')).toThrow(
      'GET /api/v1/pods returned a body that is not valid JSON',
    );
    expect(project('{"items":{"a":1}}')).toThrow(
      'GET /api/v1/pods returned JSON that is not a Kubernetes List',
    );
  });
});
