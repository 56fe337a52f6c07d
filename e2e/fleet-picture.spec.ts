import { expect, Page, test } from '@playwright/test';
import { getAsGuest, screenshotDir, signInAsGuest } from './helpers';

/**
 * The fleet picture on the overview against the demo fleet (examples/demo-fleet): mesh1 is
 * cluster-1 and cluster-2 on two networks sharing endpoint discovery, mesh2 is cluster-3
 * joined to both through the east-west gateways, cluster-4 runs Linkerd on its own.
 */

interface ClusterList {
  items: { name: string }[];
}

test.beforeEach(async ({ request }) => {
  const clusters = await getAsGuest<ClusterList>(request, '/api/mesh/clusters');
  expect(
    clusters?.items.map(c => c.name).sort(),
    'the backend serves the demo fleet (GET /api/mesh/clusters lists its four clusters)',
  ).toEqual(['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4']);
});

/** The card (InfoCard) whose title is `title`. */
function card(page: Page, title: string) {
  return page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText(title, { exact: true }) })
    .first();
}

test('the overview draws the fleet by mesh and network, and a cluster leads to its services', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/mesh');

  const picture = page.getByTestId('fleet-picture');
  await expect(picture).toBeVisible();
  await expect(picture.getByTestId('fleet-mesh')).toHaveCount(3);
  for (const label of [
    'istio-mesh1 · Istio',
    'istio-mesh2 · Istio',
    'linkerd-cluster-4 · Linkerd',
  ]) {
    await expect(picture.getByText(label, { exact: true })).toBeVisible();
  }
  // mesh1 spans two networks
  const mesh1 = picture
    .getByTestId('fleet-mesh')
    .filter({ hasText: 'istio-mesh1' });
  await expect(mesh1.getByTestId('fleet-network')).toHaveText([
    'network-1',
    'network-2',
  ]);
  for (const name of ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4']) {
    const node = picture.getByTestId(`fleet-cluster-${name}`);
    await expect(node).toBeVisible();
    await expect(node).toHaveAttribute('data-health', 'ok');
    await expect(node).toContainText('● reachable');
  }
  await expect(picture.getByTestId('fleet-cluster-cluster-2')).toContainText(
    'east-west 35.203.44.7:15443',
  );
  await expect(picture.getByTestId('fleet-cluster-cluster-4')).toContainText(
    'no east-west gateway',
  );

  // shared endpoint discovery 1 ↔ 2; gateway federation of mesh1's clusters with 3
  const links = picture.getByTestId('fleet-link');
  await expect(links).toHaveCount(3);
  const ofKind = (kind: string) =>
    picture.locator(`[data-testid="fleet-link"][data-kind="${kind}"]`);
  await expect(ofKind('shared-endpoint-discovery')).toHaveAttribute(
    'aria-label',
    /^cluster-1 ↔ cluster-2: shared control plane/,
  );
  await expect(ofKind('gateway-federation')).toHaveCount(2);

  const legend = page.getByRole('list', { name: 'Legend' });
  for (const words of [
    'shared control plane (endpoint discovery)',
    'gateway federation (east-west gateway)',
    'Linkerd multicluster link',
    'stale: last sync failed, last known data shown',
  ]) {
    await expect(legend.getByText(words, { exact: true })).toBeVisible();
  }

  const pictureCard = card(page, 'Fleet picture');
  await pictureCard.scrollIntoViewIfNeeded();
  await pictureCard.screenshot({
    path: `${screenshotDir}/mesh-fleet-picture.png`,
  });

  // cluster-2 → its services: reviews runs there, productpage only in cluster-1
  const two = picture.getByTestId('fleet-cluster-cluster-2');
  const count = /(\d+) services?/.exec((await two.textContent()) ?? '')?.[1];
  expect(count, 'the node says how many services cluster-2 has').toBeTruthy();
  await two.click();
  await expect(
    page.getByRole('heading', { name: 'Services in cluster-2' }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/mesh\?cluster=cluster-2$/);
  await expect(page.getByText(`Services (${count})`)).toBeVisible();
  // the services table's link (the findings list beside it links reviews to its catalog page)
  await expect(
    page
      .getByRole('link', { name: 'bookinfo/reviews' })
      .and(page.locator('[href$="/mesh/services/bookinfo/reviews"]')),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'bookinfo/productpage' }),
  ).toHaveCount(0);
  await expect(page.getByTestId('cluster-filter')).toBeFocused();

  // the keyboard reaches a cluster and Enter opens its services too
  await picture.getByTestId('fleet-cluster-cluster-3').focus();
  await page.keyboard.press('Enter');
  await expect(
    page.getByRole('heading', { name: 'Services in cluster-3' }),
  ).toBeVisible();

  await page
    .getByRole('button', { name: 'Show every cluster’s services' })
    .click();
  await expect(page).toHaveURL(/\/mesh$/);
  await expect(
    page.getByRole('link', { name: 'bookinfo/productpage' }),
  ).toBeVisible();
});
