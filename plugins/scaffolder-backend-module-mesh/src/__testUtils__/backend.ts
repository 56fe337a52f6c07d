import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { FLEET_FILE } from './fixtures';

/** Stands in for @meshport/backstage-plugin-mesh-backend: GET /api/mesh/fleet only. */
export const fakeMeshBackend = createBackendPlugin({
  pluginId: 'mesh',
  register(reg) {
    reg.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        httpRouter.use((req, res, next) => {
          if (req.method !== 'GET' || req.path !== '/fleet') return next();
          return res.json(JSON.parse(fs.readFileSync(FLEET_FILE, 'utf8')));
        });
      },
    });
  },
});

export type TemplateName = 'request-mesh-access' | 'request-mesh-route';

export const templateFile = (name: TemplateName) =>
  path.resolve(
    __dirname,
    `../../../../examples/templates/${name}/template.yaml`,
  );

/** The example template as the catalog holds it, registered from its file. */
export function templateEntity(name: TemplateName): Entity {
  const file = templateFile(name);
  const doc = yaml.parse(fs.readFileSync(file, 'utf8')) as Entity;
  return {
    ...doc,
    metadata: {
      ...doc.metadata,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `file:${file}`,
      },
    },
  };
}

export const guest: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'guest', namespace: 'default' },
  spec: { memberOf: ['bookinfo-team'] },
};

export const GUEST_AUTH = mockCredentials.user.header('user:default/guest');

export interface FinishedTask {
  id: string;
  status: string;
  /** Every log message, in order. */
  log: string;
  /** The template's rendered output (links, text), from the completion event. */
  output?: {
    links?: { title?: string; url?: string; entityRef?: string }[];
    text?: { title?: string; content?: string; default?: boolean }[];
  };
}

/** Creates a task from a template in the catalog and waits for it to end. */
export async function runTask(
  httpServer: Parameters<typeof request>[0],
  templateRef: string,
  values: Record<string, unknown>,
): Promise<FinishedTask> {
  const created = await request(httpServer)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', GUEST_AUTH)
    .send({ templateRef, values });
  if (created.status !== 201) {
    throw new Error(`task not created: ${JSON.stringify(created.body)}`);
  }
  const id = created.body.id as string;
  let status = 'open';
  for (let i = 0; i < 300 && !['completed', 'failed'].includes(status); i++) {
    await new Promise(r => setTimeout(r, 100));
    status = (
      await request(httpServer)
        .get(`/api/scaffolder/v2/tasks/${id}`)
        .set('Authorization', GUEST_AUTH)
    ).body.status;
  }
  const events = (
    await request(httpServer)
      .get(`/api/scaffolder/v2/tasks/${id}/events`)
      .set('Authorization', GUEST_AUTH)
  ).body as { type: string; body: { message?: string; output?: unknown } }[];
  return {
    id,
    status,
    log: events
      .map(e => e.body.message)
      .filter(Boolean)
      .join('\n'),
    output: events.find(e => e.type === 'completion')?.body
      .output as FinishedTask['output'],
  };
}
