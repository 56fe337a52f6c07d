import { expect, Page } from '@playwright/test';

/** Folder for screenshots CI keeps; ignored by git. */
export const screenshotDir = 'e2e/artifacts/screenshots';

/** Signs in through the guest provider's "Enter" button. */
export async function signInAsGuest(page: Page): Promise<void> {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}
