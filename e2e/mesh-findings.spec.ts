import { expect, Page, test } from '@playwright/test';
import {
  entityPath,
  meshServiceEntity,
  getAsGuest,
  screenshotDir,
  signInAsGuest,
} from './helpers';

/**
 * The mesh analysis in the UI against the demo fleet (examples/demo-fleet), which carries
 * deliberate mistakes so that findings exist: the Findings card and the "Where does this
 * request go?" panel on reviews' Mesh tab, and the findings of the fleet on the overview.
 */

interface FindingsAnswer {
  totalCount: number;
  counts: { error: number; warning: number; info: number };
}

test.beforeEach(async ({ request }) => {
  // the analysis runs in the background after discovery: right after the backend starts
  // (this spec run alone) it may not have answered yet
  await expect
    .poll(
      async () =>
        (
          await getAsGuest<FindingsAnswer>(
            request,
            '/api/mesh/findings?limit=1',
          )
        )?.totalCount ?? 0,
      {
        message:
          'the backend analyses the demo fleet (GET /api/mesh/findings answers, with findings)',
        timeout: 30_000,
      },
    )
    .toBeGreaterThan(0);
});

/** The card (InfoCard) whose title is `title`. */
function card(page: Page, title: string) {
  return page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText(title, { exact: true }) })
    .first();
}

test("reviews' Mesh tab has a Findings card and traces productpage's requests to both clusters", async ({
  page,
  request,
}) => {
  const entity = await meshServiceEntity(request, 'bookinfo/reviews');
  await signInAsGuest(page);
  await page.goto(`${entityPath(entity)}/mesh`);

  // reviews' own config is sound; what the card lists is the life of its policies after their
  // pull requests (examples/demo-fleet/README.md): Istio rejected an object of reviews-global,
  // and reviews-shift's VirtualService was edited by hand in cluster-1
  const findings = card(page, 'Findings').getByTestId('finding');
  await expect(findings.filter({ hasText: 'MESH801' }).first()).toHaveAttribute(
    'aria-label',
    /^error MESH801:/,
  );
  await expect(findings.filter({ hasText: 'MESH802' }).first()).toHaveAttribute(
    'aria-label',
    /^warning MESH802:/,
  );

  const panel = card(page, 'Where does this request go?');
  await expect(panel).toBeVisible();
  await panel.getByRole('button', { name: /Caller's cluster/ }).click();
  await page.getByRole('option', { name: 'cluster-1', exact: true }).click();
  const workload = panel.getByRole('textbox', { name: 'Calling workload' });
  await workload.fill('productpage');
  await page
    .getByRole('option', { name: /^bookinfo\/productpage-v1\b/ })
    .click();

  const diagram = panel.getByTestId('trace-diagram');
  await expect(diagram).toBeVisible();
  await expect(diagram).toHaveAttribute(
    'aria-label',
    /^Where a request from bookinfo\/productpage-v1 in cluster-1 to reviews\./,
  );
  await expect(
    diagram
      .locator('[data-testid="trace-leg"][data-cluster="cluster-1"]')
      .first(),
  ).toBeVisible();
  await expect(
    diagram
      .locator('[data-testid="trace-leg"][data-cluster="cluster-2"]')
      .first(),
  ).toBeVisible();
  // every leg states its outcome in words
  for (const outcome of await diagram.getByTestId('trace-leg-outcome').all()) {
    await expect(outcome).toHaveText(
      /^(reaches \d+ ready endpoints?|fails|denied)/,
    );
  }
  await expect(page.getByTestId('mesh-error')).toHaveCount(0);
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: `${screenshotDir}/mesh-trace-panel.png` });
});

test("orders/history's Mesh tab lists the demo's deliberate mistakes with their fixes and owners", async ({
  page,
  request,
}) => {
  const entity = await meshServiceEntity(request, 'orders/history');
  await signInAsGuest(page);
  await page.goto(`${entityPath(entity)}/mesh`);
  const findings = card(page, 'Findings');
  await expect(findings).toBeVisible();
  const items = findings.getByTestId('finding');
  // cluster-2 routes to a subset no DestinationRule defines (examples/demo-fleet/README.md)
  await expect(items.filter({ hasText: 'MESH102' }).first()).toHaveAttribute(
    'aria-label',
    /^error MESH102:/,
  );
  await expect(items.filter({ hasText: 'MESH701' }).first()).toBeVisible();
  await expect(items.filter({ hasText: 'MESH702' }).first()).toBeVisible();
  await expect(findings.getByText(/Fix:/).first()).toBeVisible();
  await expect(findings.getByText('orders-team').first()).toBeVisible();
  await findings.scrollIntoViewIfNeeded();
  await findings.screenshot({
    path: `${screenshotDir}/mesh-findings-card.png`,
  });
});

test('the overview lists findings per cluster and service, and filters them by severity', async ({
  page,
  request,
}) => {
  const errors = await getAsGuest<FindingsAnswer>(
    request,
    '/api/mesh/findings?severity=error&limit=1',
  );
  await signInAsGuest(page);
  await page.goto('/mesh');

  const findings = card(page, 'Findings');
  await expect(findings).toBeVisible();
  await expect(findings.getByTestId('findings-total')).toBeVisible();
  await expect(findings.getByTestId('finding').first()).toBeVisible();
  await expect(findings.getByText('Per cluster')).toBeVisible();
  await expect(findings.getByText('Per service')).toBeVisible();
  await findings.screenshot({
    path: `${screenshotDir}/mesh-overview-findings.png`,
  });

  // errors only
  await findings.getByRole('checkbox', { name: 'warning' }).uncheck();
  await findings.getByRole('checkbox', { name: 'info' }).uncheck();
  // the demo carries two deliberate errors (MESH102 on orders/history, MESH301 on accounts/users)
  expect(errors?.totalCount).toBeGreaterThanOrEqual(2);
  await expect(findings.getByTestId('findings-total')).toHaveText(
    new RegExp(`^${errors!.totalCount} errors?\\b`),
  );
  const items = findings.getByTestId('finding');
  await expect(items.first()).toBeVisible();
  for (const item of await items.all()) {
    await expect(item).toHaveAttribute('aria-label', /^error MESH\d{3}:/);
  }
  await expect(page.getByTestId('mesh-error')).toHaveCount(0);
});

test("the entity overview warns history's and reviews' owners of their mesh configuration errors, and links to the Mesh tab", async ({
  page,
  request,
}) => {
  const reviews = await meshServiceEntity(request, 'bookinfo/reviews');
  const history = await meshServiceEntity(request, 'orders/history');
  await signInAsGuest(page);
  // reviews' own config is sound, but Istio rejected an object of its reviews-global policy
  // (MESH801, examples/demo-fleet/README.md)
  await page.goto(entityPath(reviews));
  await expect(page.getByTestId('mesh-findings-warning')).toHaveText(
    /^1 mesh configuration error in bookinfo\/reviews — see the Mesh tab$/,
  );

  await page.goto(entityPath(history));
  const banner = page.getByTestId('mesh-findings-warning');
  await expect(banner).toHaveText(
    /^1 mesh configuration error in orders\/history — see the Mesh tab$/,
  );
  await banner.getByRole('link', { name: 'see the Mesh tab' }).click();
  await expect(page).toHaveURL(new RegExp(`${entityPath(history)}/mesh$`));
});
