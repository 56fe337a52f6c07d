import request from 'supertest';
import { startMeshBackend } from '../metrics/__testUtils__/meshTestBackend';

jest.setTimeout(60_000);

describe('services router', () => {
  let server: Awaited<ReturnType<typeof startMeshBackend>>['server'];

  beforeAll(async () => {
    ({ server } = await startMeshBackend());
  });

  it.each([
    ['a page of services', '/api/mesh/services?namespace=bookinfo&limit=2'],
    ['one service', '/api/mesh/services/bookinfo/reviews'],
  ])(
    'tags %s strongly and answers 304 to a reader who holds it',
    async (_, path) => {
      const first = await request(server).get(path).expect(200);
      expect(first.headers['content-type']).toBe(
        'application/json; charset=utf-8',
      );
      const etag = first.headers.etag;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const again = await request(server).get(path).expect(200);
      expect(again.headers.etag).toBe(etag);
      expect(again.body).toEqual(first.body);
      await request(server).get(path).set('If-None-Match', etag).expect(304);
    },
  );

  it('tags different pages differently', async () => {
    const tags = await Promise.all(
      ['limit=2', 'limit=3', 'offset=1&limit=2'].map(
        async query =>
          (
            await request(server).get(`/api/mesh/services?${query}`)
          ).headers.etag,
      ),
    );
    expect(new Set(tags).size).toBe(3);
  });
});
