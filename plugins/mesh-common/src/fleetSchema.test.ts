import type { z } from 'zod';
import type {
  ClusterLink,
  ConfigRef,
  ControlPlane,
  EastWestGateway,
  Fleet,
  FleetCluster,
  LiveConfigObject,
  Mesh,
  MeshService,
  ServiceInstance,
  ServicePort,
  Workload,
} from './fleet';
import {
  clusterLinkSchema,
  clusterSchema,
  configRefSchema,
  controlPlaneSchema,
  eastWestGatewaySchema,
  fleetSchema,
  liveConfigObjectSchema,
  meshSchema,
  serviceInstanceSchema,
  servicePortSchema,
  serviceSchema,
  workloadSchema,
} from './fleetSchema';

/*
 * The schema and the types of fleet.ts must describe the same data; these assertions are
 * checked by `yarn tsc`. `Accepts<S, T>`: every value of type T passes S (the schema asks for
 * nothing the type does not promise). `Fits<S, T>`: what S lets through has, for every field
 * S names, the type T gives it, and S names no field T lacks (so the cast from the parsed
 * value to T is sound for those fields).
 */
type Accepts<S extends z.ZodType, T> = T extends Declared<z.input<S>>
  ? true
  : false;
type Fits<S extends z.ZodType, T> = [keyof Declared<z.output<S>>] extends [
  keyof T,
]
  ? Declared<z.output<S>> extends Pick<T, keyof Declared<z.output<S>> & keyof T>
    ? true
    : false
  : false;
/**
 * The fields a schema names, at every depth: loose objects also carry `[key: string]:
 * unknown`, which the interfaces of fleet.ts (rightly) lack. It drops records' keys too, so
 * `Record<string, …>` fields are compared only as objects.
 */
type Declared<T> = T extends readonly (infer E)[]
  ? Declared<E>[]
  : T extends object
  ? { [K in keyof T as string extends K ? never : K]: Declared<T[K]> }
  : T;

describe('fleetSchema', () => {
  it('describes the types of fleet.ts', () => {
    const holds: true[] = [
      true satisfies Accepts<typeof fleetSchema, Fleet>,
      true satisfies Accepts<typeof clusterSchema, FleetCluster>,
      true satisfies Fits<typeof clusterSchema, FleetCluster>,
      true satisfies Accepts<typeof controlPlaneSchema, ControlPlane>,
      true satisfies Fits<typeof controlPlaneSchema, ControlPlane>,
      true satisfies Fits<typeof eastWestGatewaySchema, EastWestGateway>,
      true satisfies Accepts<typeof meshSchema, Mesh>,
      true satisfies Fits<typeof meshSchema, Mesh>,
      true satisfies Accepts<typeof serviceSchema, MeshService>,
      true satisfies Accepts<typeof serviceInstanceSchema, ServiceInstance>,
      true satisfies Fits<typeof serviceInstanceSchema, ServiceInstance>,
      true satisfies Fits<typeof servicePortSchema, ServicePort>,
      true satisfies Fits<typeof workloadSchema, Workload>,
      true satisfies Fits<typeof configRefSchema, ConfigRef>,
      true satisfies Accepts<typeof liveConfigObjectSchema, LiveConfigObject>,
      true satisfies Fits<typeof liveConfigObjectSchema, LiveConfigObject>,
      true satisfies Accepts<typeof clusterLinkSchema, ClusterLink>,
      true satisfies Fits<typeof clusterLinkSchema, ClusterLink>,
    ];
    expect(holds.every(Boolean)).toBe(true);
  });

  it('reads a well-formed fleet whole', () => {
    const fleet: Fleet = {
      generatedAt: '2026-01-01T00:00:00Z',
      clusters: [
        {
          name: 'east',
          sync: { state: 'ok' },
          regions: [],
          zones: [],
          controlPlanes: [],
          eastWestGateways: [],
        },
      ],
      meshes: [],
      services: [],
      links: [],
    };
    expect(fleetSchema.parse(fleet)).toEqual(fleet);
  });

  it("keeps Istio's validation messages on a live object, and drops a malformed status", () => {
    const object = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: { hosts: ['reviews'] },
    };
    const messages = [
      {
        type: { code: 'IST0101', name: 'ReferencedResourceNotFound' },
        level: 'ERROR',
        description: 'Referenced host not found',
      },
      { code: 'IST0102', level: 3, message: 'old form' },
    ];
    expect(
      liveConfigObjectSchema.parse({
        ...object,
        status: { validationMessages: messages },
      }).status,
    ).toEqual({ validationMessages: messages });
    for (const status of [
      'broken',
      { validationMessages: 'not a list' },
      { validationMessages: [{ level: { nested: true } }] },
    ]) {
      const parsed = liveConfigObjectSchema.parse({ ...object, status });
      expect(parsed.status).toBeUndefined();
      expect(parsed.spec).toEqual(object.spec);
    }
  });
});
