/**
 * Watching, `/findings` may answer with the analysis of an earlier fleet (see
 * `FleetAnalysis.answer`): the answer says which fleet by its `generatedAt`, and a finding
 * naming a service that fleet held but the current one no longer does is still hidden from a
 * caller who may not read it — the rule for "a service no cluster has" (the fleet
 * permission decides) must not turn a service that just went away into one anyone may read.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type {
  Fleet,
  FindingsResponse,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import express from 'express';
import request from 'supertest';
import { ServiceIndex } from '../service/ServiceIndex';
import type { ServiceAccess } from '../service/ServiceEntityAccess';
import type { FleetStore } from '../store/FleetStore';
import { FleetAnalysis, type Check } from './FleetAnalysis';
import { createAnalysisRouter } from './router';

const service = (id: string): MeshService => {
  const [namespace, name] = id.split('/');
  return { id, namespace, name, instances: [] };
};
const fleetOf = (generatedAt: string, ids: string[]): Fleet => ({
  generatedAt,
  clusters: [],
  meshes: [],
  services: ids.map(service),
  links: [],
});

/** One finding per service the analysed fleet holds. */
const perService: Check = {
  code: 'MESH901',
  severity: 'warning',
  title: 'test: every service is reported',
  run: ctx =>
    ctx.fleet.services.map(s => ({
      message: `about ${s.id}`,
      fix: 'nothing',
      objects: [],
      services: [s.id],
      keyParts: [s.id],
    })),
};

it('answers with an earlier fleet’s findings judged by the services that fleet held', async () => {
  const first = fleetOf('2026-12-04T10:00:00.000Z', [
    'bookinfo/ratings',
    'bookinfo/reviews',
  ]);
  // a watched change took ratings away
  const second = fleetOf('2026-12-04T10:00:05.000Z', ['bookinfo/reviews']);
  let current = first;
  const fleetStore: FleetStore = {
    getFleetView: async () => ({
      fleet: current,
      serviceIndex: new ServiceIndex(current.services),
    }),
    getService: async () => undefined,
  } as unknown as FleetStore;
  // the caller may read reviews, not ratings
  const serviceAccess: ServiceAccess = {
    assertMayRead: async () => {},
    readableServices: async () => s => s.id !== 'bookinfo/ratings',
  };
  let now = 0;
  const analysis = new FleetAnalysis({
    checks: [perService],
    answerWithinMs: 60_000,
    now: () => now,
  });
  const app = express().use(
    await createAnalysisRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      fleetStore,
      serviceAccess,
      trafficSource: {
        getTraffic: async () => {
          throw new Error('not asked');
        },
      } as never,
      analysis,
    }),
  );
  const findings = async () =>
    (await request(app).get('/findings').expect(200)).body as FindingsResponse;

  const ofFirst = await findings();
  expect(ofFirst.generatedAt).toBe(first.generatedAt);
  expect(ofFirst.items.map(f => f.message)).toEqual(['about bookinfo/reviews']);

  current = second;
  now = 5_000;
  const early = await findings();
  // the first fleet's analysis, saying so, and ratings still hidden
  expect(early.generatedAt).toBe(first.generatedAt);
  expect(early.items.map(f => f.message)).toEqual(['about bookinfo/reviews']);

  now = 60_000;
  const later = await findings();
  expect(later.generatedAt).toBe(second.generatedAt);
  expect(later.items.map(f => f.message)).toEqual(['about bookinfo/reviews']);
});
