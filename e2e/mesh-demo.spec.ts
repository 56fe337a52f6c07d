import { expect, test } from '@playwright/test';
import {
  entityPath,
  meshServiceEntity,
  getAsGuest,
  screenshotDir,
  signInAsGuest,
} from './helpers';

/**
 * The mesh UI against the demo fleet (examples/demo-fleet: bookinfo across cluster-1 and
 * cluster-2, reviews v3 only in cluster-2; cluster-3 a separate mesh joined through the
 * east-west gateways). The app under test is configured with it (app-config.yaml), so data
 * that is missing is a failure, never a skip.
 */

interface ServiceList {
  items: { id: string }[];
}

test.beforeEach(async ({ request }) => {
  const services = await getAsGuest<ServiceList>(
    request,
    '/api/mesh/services?q=reviews',
  );
  expect(
    services?.items.map(s => s.id),
    'the backend serves the demo fleet (GET /api/mesh/services knows bookinfo/reviews)',
  ).toContain('bookinfo/reviews');
});

test('the overview shows both clusters, how they connect, and finds reviews', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/mesh');
  await expect(page.getByText(/^Clusters \(\d+\)$/)).toBeVisible();
  const clusters = page.getByRole('table').first();
  await expect(
    clusters.getByRole('cell', { name: 'cluster-1', exact: true }),
  ).toBeVisible();
  await expect(
    clusters.getByRole('cell', { name: 'cluster-2', exact: true }),
  ).toBeVisible();
  await expect(page.getByText('How clusters connect')).toBeVisible();
  // cluster-3's separate mesh is reached through the east-west gateways
  await expect(page.getByText(/gateway federation/i).first()).toBeVisible();

  await page.getByLabel('Search services').fill('reviews');
  // the services table's link (the findings list beside it links reviews to its catalog page)
  const link = page
    .getByRole('link', { name: 'bookinfo/reviews' })
    .and(page.locator('[href$="/mesh/services/bookinfo/reviews"]'));
  await expect(link).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'bookinfo/productpage' }),
  ).toHaveCount(0);
  await page.screenshot({
    path: `${screenshotDir}/mesh-overview-demo.png`,
    fullPage: true,
  });

  await link.click();
  await expect(page).toHaveURL(/\/mesh\/services\/bookinfo\/reviews$/);
  await expect(
    page.getByRole('heading', { name: 'reviews', level: 1 }),
  ).toBeVisible();
  await expect(page.getByText(/^Instances \(2 clusters\)$/)).toBeVisible();
  await expect(page.getByTestId('mesh-error')).toHaveCount(0);
  await page.screenshot({
    path: `${screenshotDir}/mesh-service-page.png`,
    fullPage: true,
  });
});

test("reviews' Mesh tab shows instances on two clusters, v3 only in cluster-2, traffic and mTLS", async ({
  page,
  request,
}) => {
  const entity = await meshServiceEntity(request, 'bookinfo/reviews');
  await signInAsGuest(page);
  await page.goto(`${entityPath(entity)}/mesh`);

  const instances = page
    .getByRole('table')
    .filter({ hasText: 'Subsets' })
    .first();
  await expect(page.getByText(/^Instances \(2 clusters\)$/)).toBeVisible();
  const row1 = instances.getByRole('row').filter({ hasText: 'cluster-1' });
  const row2 = instances.getByRole('row').filter({ hasText: 'cluster-2' });
  await expect(row1).toHaveCount(1);
  await expect(row2).toHaveCount(1);
  await expect(row2).toContainText('v3');
  await expect(row1).not.toContainText('v3');

  await expect(
    page.getByRole('img', {
      name: 'Traffic of bookinfo/reviews between clusters',
    }),
  ).toBeVisible();
  await expect(page.getByTestId('traffic-edge').first()).toBeVisible();
  await expect(page.getByTestId('traffic-edge').first()).toContainText(/rps/);

  await expect(
    page.getByRole('table', { name: 'mTLS per cluster' }),
  ).toBeVisible();
  await expect(page.getByText(/root of trust/).first()).toBeVisible();
  await expect(page.getByTestId('mesh-error')).toHaveCount(0);

  await page.screenshot({
    path: `${screenshotDir}/mesh-entity-tab.png`,
    fullPage: true,
  });
});

test('"Request a route" opens the route template with the service filled in', async ({
  page,
  request,
}) => {
  const template = await getAsGuest<unknown>(
    request,
    '/api/catalog/entities/by-name/template/default/request-mesh-route',
  );
  expect(
    template,
    'the template request-mesh-route is registered in the catalog',
  ).toBeTruthy();

  await signInAsGuest(page);
  await page.goto('/mesh/services/bookinfo/reviews');
  await page.getByText('Request a route').click();
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/request-mesh-route\?formData=/,
  );
  // The MeshServicePicker shows the pre-filled service.
  await expect(
    page.locator('input[value="bookinfo/reviews"]').first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/request-route-form.png`,
    fullPage: true,
  });

  // The seed scenario, built with the split editor as a user would: from cluster-1, 75 % of
  // reviews to v3 in cluster-2, 15 % v1 and 10 % v2 locally.
  await page.goto(
    `/create/templates/default/request-mesh-route?formData=${encodeURIComponent(
      JSON.stringify({
        service: 'bookinfo/reviews',
        sourceCluster: 'cluster-1',
      }),
    )}`,
  );
  await expect(
    page.locator('input[value="bookinfo/reviews"]').first(),
  ).toBeVisible();
  const pick = async (row: number, option: string, weight: string) => {
    await page.getByLabel(`Target ${row}`, { exact: true }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
    await page.getByLabel(`Weight ${row} (%)`, { exact: true }).fill(weight);
  };
  await pick(1, 'version=v3 in cluster-2', '75');
  await expect(page.getByText('Total 75 % — 25 % left to place')).toBeVisible();
  await page.getByRole('button', { name: 'Add a target' }).click();
  await pick(2, 'version=v1 in cluster-1', '15');
  await page.getByRole('button', { name: 'Add a target' }).click();
  // a new row starts with what is left to place: 10 %
  await expect(page.getByLabel('Weight 3 (%)', { exact: true })).toHaveValue(
    '10',
  );
  await page.getByLabel('Target 3', { exact: true }).click();
  await page
    .getByRole('option', { name: 'version=v2 in cluster-1', exact: true })
    .click();
  await expect(page.getByText('Total 100 %', { exact: true })).toBeVisible();
  await expect(page.getByTestId('mesh-split-bar')).toHaveAttribute(
    'aria-label',
    'Split: version=v3 in cluster-2 75 %, version=v1 in cluster-1 15 %, version=v2 in cluster-1 10 %; total 100 %',
  );
  await page.screenshot({
    path: `${screenshotDir}/request-route-split-editor.png`,
    fullPage: true,
  });

  // Walk the steps to the review step (timeouts are optional, the policy repository has a
  // default); stop when "Review" is reachable. Nothing is created: "Create" is never clicked.
  for (let step = 0; step < 6; step++) {
    const review = page.getByRole('button', { name: 'Review' });
    if (await review.isVisible()) {
      // the last step previews what the request adds, compiled in the browser
      const virtualService = page
        .locator('pre')
        .filter({ hasText: 'kind: VirtualService' })
        .first();
      await expect(virtualService).toBeVisible();
      await expect(virtualService).toContainText('weight: 75');
      await page.screenshot({
        path: `${screenshotDir}/request-route-preview.png`,
        fullPage: true,
      });
      await review.click();
      break;
    }
    await page.getByRole('button', { name: 'Next' }).click();
  }
  await expect(page.getByRole('button', { name: 'Create' })).toBeVisible();
  await expect(page.getByText('bookinfo/reviews').first()).toBeVisible();
  await expect(page.getByText('cluster-1').first()).toBeVisible();
  await expect(page.getByText(/mesh-policies/).first()).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/request-route-review.png`,
    fullPage: true,
  });
});

// Issue 17: orders in cluster-2 is ambient without a waypoint. ztunnel reports only TCP, and
// batch-export's plaintext as connection_security_policy="unknown": the mTLS view must show
// it as plaintext connections with a warning, on the Mesh tab and on the overview's page.
test("ambient orders' plaintext callers are shown as plaintext, on the Mesh tab and the overview", async ({
  page,
  request,
}) => {
  const entity = await meshServiceEntity(request, 'orders/orders');
  await signInAsGuest(page);
  for (const path of [
    `${entityPath(entity)}/mesh`,
    '/mesh/services/orders/orders',
  ]) {
    await page.goto(path);
    const mtls = page.getByRole('table', { name: 'mTLS per cluster' });
    await expect(mtls).toBeVisible();
    const row = mtls.getByRole('row').filter({ hasText: 'cluster-2' });
    await expect(row).toContainText('PERMISSIVE');
    await expect(row).toContainText('80.0% mutual TLS of 2.00 conn/s');
    await expect(row).toContainText('0.40 conn/s plaintext');
    await expect(
      page
        .getByTestId('mtls-warning')
        .filter({ hasText: 'cluster-2' })
        .filter({ hasText: 'accepts plaintext (PERMISSIVE)' }),
    ).toHaveCount(1);
    await expect(page.getByTestId('mesh-error')).toHaveCount(0);
  }
  await page.screenshot({
    path: `${screenshotDir}/mesh-orders-ambient-plaintext.png`,
    fullPage: true,
  });
});
