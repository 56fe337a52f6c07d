import { expect, Page, test } from '@playwright/test';
import {
  entityPath,
  getAsGuest,
  meshServiceEntity,
  screenshotDir,
  signInAsGuest,
} from './helpers';

/**
 * The policy lifecycle in the UI against the demo: the policy repository and its pull requests
 * from the SCM snapshot (examples/demo-scm) and the clusters from the demo fleet, which holds
 * what GitOps applied with one hand edit and one object Istio rejects
 * (examples/demo-fleet/README.md, "The policy repository, applied").
 */

interface PoliciesAnswer {
  repositories: { status: string }[];
  items: { ref: string; state: string }[];
}

const DEMO_STATES: Record<string, string> = {
  'trafficpolicy.bookinfo.details-timeout': 'requested',
  'accesspolicy.bookinfo.productpage-reads-reviews': 'applied',
  'trafficpolicy.bookinfo.reviews-shift': 'drifted',
  'virtualdestination.bookinfo.reviews-global': 'rejected',
};

test.beforeEach(async ({ request }) => {
  // the first sync of the policy repository runs shortly after the backend starts
  await expect
    .poll(
      async () => {
        const answer = await getAsGuest<PoliciesAnswer>(
          request,
          '/api/mesh/policies',
        );
        return answer?.repositories[0]?.status;
      },
      {
        message:
          'the backend syncs the demo policy repository (GET /api/mesh/policies)',
        timeout: 60_000,
      },
    )
    .toBe('ok');
});

/** The card (InfoCard) whose title is `title`. */
function card(page: Page, title: string | RegExp) {
  return page
    .locator('.MuiCard-root')
    .filter({
      has: page.getByText(title, { exact: typeof title === 'string' }),
    })
    .first();
}

const row = (page: Page, ref: string) => page.getByTestId(`policy-row-${ref}`);

test('the backend answers the four demo policies in their states', async ({
  request,
}) => {
  const answer = await getAsGuest<PoliciesAnswer>(
    request,
    '/api/mesh/policies',
  );
  const states = Object.fromEntries(
    (answer?.items ?? []).map(p => [p.ref, p.state]),
  );
  expect(states).toMatchObject(DEMO_STATES);
});

test('the Policies page lists the four demo policies, filters by state and opens the drift', async ({
  page,
}) => {
  await signInAsGuest(page);
  // reached from the sidebar and from the fleet overview
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Mesh policies' }),
  ).toBeVisible();
  await page.goto('/mesh');
  await page.getByRole('link', { name: /^Policies: every policy/ }).click();
  await expect(page).toHaveURL(/\/mesh\/policies$/);

  const repositories = card(page, 'Policy repositories');
  await expect(
    repositories.getByText(/^synced · last sync /).first(),
  ).toBeVisible();

  const policies = card(page, /^Policies \(\d+\)$/);
  for (const [ref, state] of Object.entries(DEMO_STATES)) {
    await expect(
      row(page, ref).locator(`[data-state="${state}"]`).first(),
    ).toHaveText(state);
  }
  await expect(
    row(page, 'trafficpolicy.bookinfo.reviews-shift').getByText(
      'cluster-1: drifted',
    ),
  ).toBeVisible();
  await expect(
    row(page, 'trafficpolicy.bookinfo.details-timeout').getByRole('link', {
      name: /^#15 open/,
    }),
  ).toBeVisible();
  await policies.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${screenshotDir}/mesh-policies-page.png`,
    fullPage: true,
  });

  // the drift diff, opened from the keyboard
  const toggle = page.getByRole('button', {
    name: 'Show the clusters of trafficpolicy.bookinfo.reviews-shift',
  });
  await toggle.focus();
  await page.keyboard.press('Enter');
  // open, the same button says it hides them
  await expect(
    page.getByRole('button', {
      name: 'Hide the clusters of trafficpolicy.bookinfo.reviews-shift',
    }),
  ).toHaveAttribute('aria-expanded', 'true');
  const diff = page.getByRole('table', {
    name: 'Drift of VirtualService bookinfo/meshport-reviews in cluster-1',
  });
  await expect(diff).toBeVisible();
  const timeout = diff
    .getByRole('row')
    .filter({ hasText: 'spec.http[0].timeout' });
  await expect(timeout.getByRole('cell').nth(1)).toHaveText('5s');
  await expect(timeout.getByRole('cell').nth(2)).toHaveText('10s');
  await expect(
    page.getByText(/re-apply the branch to cluster-1/),
  ).toBeVisible();
  const details = page.getByTestId(
    'policy-details-trafficpolicy.bookinfo.reviews-shift',
  );
  await details.screenshot({
    path: `${screenshotDir}/mesh-policies-drift.png`,
  });

  // Istio's message on the rejected policy
  await page
    .getByRole('button', {
      name: 'Show the clusters of virtualdestination.bookinfo.reviews-global',
    })
    .click();
  await expect(
    page.getByText(
      'Istio ERROR IST0101: Referenced host not found: "reviews.global"',
    ),
  ).toBeVisible();

  // filtering by state asks the backend and keeps the filter in the address
  await policies
    .getByRole('combobox', { name: 'State' })
    .selectOption('drifted');
  await expect(page).toHaveURL(/[?&]state=drifted\b/);
  await expect(page.getByTestId(/^policy-row-/)).toHaveCount(1);
  await expect(row(page, 'trafficpolicy.bookinfo.reviews-shift')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId(/^policy-row-/)).toHaveCount(1);
  await expect(page.getByRole('combobox', { name: 'State' })).toHaveValue(
    'drifted',
  );

  await expect(page.getByTestId('mesh-error')).toHaveCount(0);
});

test("reviews' Mesh tab has a Policies card with its policies' states, linked to the page filtered", async ({
  page,
  request,
}) => {
  const entity = await meshServiceEntity(request, 'bookinfo/reviews');
  await signInAsGuest(page);
  await page.goto(`${entityPath(entity)}/mesh`);

  const policies = card(page, 'Policies');
  const table = policies.getByRole('table', {
    name: 'Policies about this service',
  });
  await expect(table).toBeVisible();
  for (const ref of [
    'accesspolicy.bookinfo.productpage-reads-reviews',
    'trafficpolicy.bookinfo.reviews-shift',
    'virtualdestination.bookinfo.reviews-global',
  ]) {
    await expect(
      page
        .getByTestId(`policy-card-row-${ref}`)
        .locator(`[data-state="${DEMO_STATES[ref]}"]`)
        .first(),
    ).toHaveText(DEMO_STATES[ref]);
  }
  await expect(
    page.getByTestId('policy-card-row-trafficpolicy.bookinfo.details-timeout'),
  ).toHaveCount(0);
  await policies.scrollIntoViewIfNeeded();
  await policies.screenshot({
    path: `${screenshotDir}/mesh-policies-card.png`,
  });

  await policies.getByRole('link', { name: /on the Policies page/ }).click();
  await expect(page).toHaveURL(/\/mesh\/policies\?service=bookinfo%2Freviews$/);
  await expect(page.getByTestId(/^policy-row-/)).toHaveCount(3);
  await expect(page.getByTestId('mesh-error')).toHaveCount(0);
});
