import { expect, test } from '@playwright/test';
import { screenshotDir, signInAsGuest } from './helpers';

/**
 * The access template offers the callers the mesh saw calling the service (the demo's traffic
 * snapshot: productpage calls reviews from cluster-1), checked until removed, and takes more
 * from the fleet's identities.
 */
test('the access template proposes the callers seen in traffic, each removable', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto(
    `/create/templates/default/request-mesh-access?formData=${encodeURIComponent(
      JSON.stringify({ service: 'bookinfo/reviews' }),
    )}`,
  );
  await expect(
    page.getByText('Seen calling bookinfo/reviews in the last 1h'),
  ).toBeVisible();
  const productpage = page.getByRole('checkbox', {
    name: /^bookinfo\/bookinfo-productpage in cluster-1 — bookinfo\/productpage, [\d.]+ req\/s$/,
  });
  await expect(productpage).toBeChecked();
  await page.screenshot({
    path: `${screenshotDir}/request-access-proposed-callers.png`,
    fullPage: true,
  });

  // removed, then a caller added by hand from the fleet's identities
  await productpage.uncheck();
  await expect(productpage).not.toBeChecked();
  await page.getByLabel('Add a caller', { exact: true }).click();
  await page
    .getByRole('option', {
      name: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage (cluster-1)',
    })
    .click();
  await expect(productpage).toBeChecked();
});
