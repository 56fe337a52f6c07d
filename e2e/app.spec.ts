import { expect, test } from '@playwright/test';
import { screenshotDir, signInAsGuest } from './helpers';

test('a guest signs in, opens the catalog and the mesh overview', async ({
  page,
}) => {
  await signInAsGuest(page);

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Catalog', exact: true }).click();
  await expect(
    page.getByRole('heading', { name: 'Meshport demo Catalog' }),
  ).toBeVisible();

  await nav.getByRole('link', { name: 'Service mesh' }).click();
  await expect(page).toHaveURL(/\/mesh$/);
  await expect(
    page.getByRole('heading', { name: 'Service mesh', level: 1 }),
  ).toBeVisible();
  // The page reached the backend and shows the demo fleet's four clusters, never an error.
  await expect(page.getByText(/^Clusters \(4\)$/)).toBeVisible();
  await expect(page.getByTestId('mesh-error')).toHaveCount(0);
  await page.screenshot({
    path: `${screenshotDir}/mesh-overview.png`,
    fullPage: true,
  });
});
