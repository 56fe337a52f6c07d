import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { MeshApi, meshApiRef } from '../../api';
import { fakeMeshApi, mtls } from '../../__testUtils__/fixtures';
import { MtlsCard } from './MtlsCard';

const service = { namespace: 'bookinfo', name: 'reviews' };

function renderWith(api: MeshApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, api]]}>
      <MtlsCard service={service} window="15m" />
    </TestApiProvider>,
  );
}

describe('MtlsCard', () => {
  it('shows configured and observed mTLS per cluster and the shared root', async () => {
    await renderWith(fakeMeshApi());
    const table = await screen.findByRole('table', {
      name: 'mTLS per cluster',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      within(rows[0]).getByText('STRICT · by istio-system/default'),
    ).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('100% mutual TLS of 7.50 rps'),
    ).toBeInTheDocument();
    expect(
      within(rows[1]).getByText('PERMISSIVE · mesh default'),
    ).toBeInTheDocument();
    expect(
      within(rows[1]).getByText(
        '80.0% mutual TLS of 2.50 rps · 0.50 rps plaintext',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'cluster-1, cluster-2 share one root of trust: mTLS works across them.',
      ),
    ).toBeInTheDocument();
  });

  it('lists the warnings with their cluster', async () => {
    await renderWith(fakeMeshApi());
    const warnings = await screen.findAllByTestId('mtls-warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toHaveTextContent(
      /^cluster-2: 20% of requests to reviews in cluster-2 arrive in plaintext/,
    );
  });

  it('flags clusters whose roots of trust differ', async () => {
    await renderWith(
      fakeMeshApi({
        getServiceMtls: async () => ({
          ...mtls,
          clusters: mtls.clusters.map((c, i) => ({
            ...c,
            rootOfTrust: { fingerprints: [`root-${i}`], sharedWith: [] },
          })),
        }),
      }),
    );
    expect(
      await screen.findByText(
        /^No shared root of trust: cluster-1 vs cluster-2\./,
      ),
    ).toBeInTheDocument();
  });

  // Issue 17: an ambient service's plaintext arrives as connections reported by ztunnel, and
  // traffic only the caller reported cannot be classified: both are shown, not rounded away.
  it('shows connections, plaintext and what it could not classify, apart from the percentage', async () => {
    await renderWith(
      fakeMeshApi({
        getServiceMtls: async () => ({
          ...mtls,
          clusters: [
            {
              ...mtls.clusters[1],
              observed: {
                state: 'ok',
                mtlsShare: 0.8,
                requests: {
                  mutualPerSecond: 0,
                  plaintextPerSecond: 0,
                  unclassifiedPerSecond: 9.8,
                },
                connections: {
                  mutualPerSecond: 1.6,
                  plaintextPerSecond: 0.4,
                  unclassifiedPerSecond: 0,
                },
                unclassified: [
                  "istio-system/istio-ingressgateway (cluster-2): only the caller's proxy reported this traffic",
                ],
                probesPerSecond: 0.2,
              },
            },
          ],
        }),
      }),
    );
    const table = await screen.findByRole('table', {
      name: 'mTLS per cluster',
    });
    expect(
      within(table).getByText(
        '9.80 rps not classified; 80.0% mutual TLS of 2.00 conn/s · 0.40 conn/s plaintext; 0.20 rps kubelet probes (plaintext by design)',
      ),
    ).toBeInTheDocument();
    const note = screen.getByTestId('mtls-unclassified');
    expect(note).toHaveTextContent(
      /cluster-2: traffic Meshport could not classify as mutual TLS or plaintext, left out of the percentage/,
    );
    expect(note).toHaveTextContent(
      "istio-system/istio-ingressgateway (cluster-2): only the caller's proxy reported this traffic",
    );
  });
});
