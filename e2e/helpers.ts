import { APIRequestContext, expect, Page } from '@playwright/test';

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

/** A guest token for calling backend APIs directly, as the browser would. */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get(
    '/api/auth/guest/refresh?env=development',
    {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    },
  );
  expect(response.ok()).toBeTruthy();
  const body = await response.json();
  return body.backstageIdentity.token as string;
}

/** GET a backend API as the guest; undefined on a non-2xx answer. */
export async function getAsGuest<T>(
  request: APIRequestContext,
  path: string,
): Promise<T | undefined> {
  const token = await guestToken(request);
  const response = await request.get(path, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.ok() ? ((await response.json()) as T) : undefined;
}

interface CatalogEntity {
  kind: string;
  metadata: { name: string; namespace?: string };
}

/**
 * The catalog entity that stands for a mesh service (by `meshport.dev/service`), or
 * undefined when the catalog has none yet: the demo fleet may not be wired in.
 */
async function findMeshServiceEntity(
  request: APIRequestContext,
  serviceId: string,
): Promise<CatalogEntity | undefined> {
  const filter = `metadata.annotations.meshport.dev/service=${serviceId}`;
  const items = await getAsGuest<CatalogEntity[]>(
    request,
    `/api/catalog/entities?filter=${encodeURIComponent(filter)}`,
  );
  return items?.[0];
}

/** The path of an entity's page in the catalog. */
export function entityPath(entity: CatalogEntity): string {
  return `/catalog/${
    entity.metadata.namespace ?? 'default'
  }/${entity.kind.toLocaleLowerCase('en-US')}/${entity.metadata.name}`;
}

/**
 * The entity of a mesh service once the catalog has it: the catalog module publishes shortly
 * after the backend starts, so a spec run on its own may come first.
 */
export async function meshServiceEntity(
  request: APIRequestContext,
  serviceId: string,
): Promise<CatalogEntity> {
  let entity: CatalogEntity | undefined;
  await expect
    .poll(
      async () => {
        entity = await findMeshServiceEntity(request, serviceId);
        return !!entity;
      },
      {
        message: `a catalog entity has meshport.dev/service: ${serviceId}`,
        timeout: 60_000,
      },
    )
    .toBe(true);
  return entity!;
}
