import { expect, test } from '@playwright/test';
import {
  entityPath,
  meshServiceEntity,
  getAsGuest,
  screenshotDir,
  signInAsGuest,
} from './helpers';

/**
 * The catalog's call graph from the demo's traffic: the catalog module turns who calls whom
 * (GET /api/mesh/dependencies, from the traffic snapshot) into dependsOn relations, and the
 * Catalog Graph card on an entity's overview draws them.
 */

interface Relation {
  type: string;
  targetRef: string;
}
interface Entity {
  kind: string;
  metadata: { name: string; namespace?: string };
  relations?: Relation[];
}

/** Waits until the catalog has stitched the entity's relations to components. */
async function componentRelations(
  request: Parameters<typeof getAsGuest>[0],
  name: string,
): Promise<Relation[]> {
  let relations: Relation[] = [];
  await expect
    .poll(
      async () => {
        const entity = await getAsGuest<Entity>(
          request,
          `/api/catalog/entities/by-name/component/default/${name}`,
        );
        relations = (entity?.relations ?? []).filter(r =>
          r.targetRef.startsWith('component:'),
        );
        return relations.length;
      },
      {
        message: `the catalog relates ${name} to the services it calls (the provider runs every minute)`,
        timeout: 90_000,
        intervals: [1000, 2000, 5000],
      },
    )
    .toBeGreaterThan(0);
  return relations;
}

test('the Catalog Graph draws productpage → reviews → ratings from traffic', async ({
  page,
  request,
}) => {
  test.setTimeout(150_000);
  const reviewsRelations = await componentRelations(
    request,
    'reviews.bookinfo',
  );
  expect(reviewsRelations).toEqual(
    expect.arrayContaining([
      { type: 'dependsOn', targetRef: 'component:default/ratings.bookinfo' },
      {
        type: 'dependencyOf',
        targetRef: 'component:default/productpage.bookinfo',
      },
    ]),
  );

  const reviews = await meshServiceEntity(request, 'bookinfo/reviews');
  await signInAsGuest(page);
  await page.goto(entityPath(reviews));
  // the card's nodes are labelled with each entity's title: its mesh service id
  const graph = page.locator('svg').filter({ hasText: 'bookinfo/ratings' });
  await expect(graph.first()).toBeVisible({ timeout: 30_000 });
  await expect(
    page.locator('svg').filter({ hasText: 'bookinfo/productpage' }).first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/catalog-graph-reviews.png`,
    fullPage: true,
  });
});
