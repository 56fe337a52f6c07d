/**
 * app-config.production.yaml and the Helm values example, read the way the backend reads
 * them (layered app-config.yaml → app-config.production.yaml → the chart's appConfig):
 * PostgreSQL, real clusters, no demo snapshots, and every ${VARIABLE} provided.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import Ajv2020 from 'ajv/dist/2020';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Config } from '@backstage/config';
import {
  clusterDiscovery,
  ClusterExtensions,
} from '../clusters/clusterDiscovery';
import { readDiscoveryOptions } from '../discovery/DiscoveryOptions';

const ROOT = path.resolve(__dirname, '../../../..');

/** The clusters a backend with this config discovers. */
const readSources = (config: Config) =>
  clusterDiscovery(config, {
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    extensions: new ClusterExtensions(),
  }).sources.resolve();
const readYaml = (file: string) =>
  parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

const base = readYaml('app-config.yaml');
const production = readYaml('app-config.production.yaml');
const values = readYaml('deploy/helm/values.yaml');

/** A stand-in value for an environment variable, shaped like what it holds. */
const sample = (name: string) => {
  if (name.endsWith('_URL')) return `https://${name.toLowerCase()}.example.com`;
  // a cluster name must be a DNS-1123 label
  if (name.endsWith('_NAME')) return name.toLowerCase().replace(/_/g, '-');
  return `value-of-${name}`;
};

/** The `${VAR}` references left in the merged configuration. */
function variablesIn(data: unknown): string[] {
  const found = new Set<string>();
  JSON.stringify(data).replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    found.add(name);
    return '';
  });
  return [...found].sort();
}

/** Backstage's substitution: each `${VAR}` replaced from `env`, as the backend does at start. */
function substitute(data: unknown, env: Record<string, string>): unknown {
  return JSON.parse(
    JSON.stringify(data).replace(/\$\{(\w+)\}/g, (_m, name: string) => {
      if (!(name in env)) throw new Error(`${name} is not set`);
      return env[name];
    }),
  );
}

const layered = (...configs: unknown[]) =>
  ConfigReader.fromConfigs(
    configs.map((data, i) => ({ context: `config-${i}`, data: data as any })),
  );

/**
 * What Backstage makes of an APP_CONFIG_<path> variable: the path split on `_`, the value
 * parsed as JSON when it parses (@backstage/config-loader, readEnvConfig).
 */
const fromEnv = (name: string, value: string) => {
  const keys = name.replace(/^APP_CONFIG_/, '').split('_');
  let parsed: unknown = value;
  try {
    parsed = JSON.parse(value);
  } catch {
    // a plain string
  }
  return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), parsed);
};

describe('app-config.production.yaml', () => {
  const config = layered(base, production);

  it('listens where the Helm chart says: backend.listen stays an object under APP_CONFIG_backend_listen_port', () => {
    // the chart always sets it (templates/backstage-deployment.yaml, containerPorts.backend)
    const withChartEnv = layered(
      base,
      production,
      fromEnv('APP_CONFIG_backend_listen_port', '7007'),
    );
    expect(withChartEnv.getConfig('backend.listen').get()).toEqual({
      port: 7007,
    });
    expect(config.getNumber('backend.listen.port')).toBe(7007);
    expect(config.getOptionalString('backend.listen.host')).toBeUndefined();
  });

  it('signs in through GitHub only, resolving to Users from the GitHub org data', () => {
    expect(config.getOptional('auth.providers.guest')).toBeUndefined();
    expect(
      config.getConfig('auth.providers.github.production').get('signIn'),
    ).toEqual({
      resolvers: [{ resolver: 'userIdMatchingUserEntityAnnotation' }],
    });
    expect(config.get('catalog.providers.githubOrg')).toMatchObject({
      githubUrl: 'https://github.com',
      orgs: ['${GITHUB_ORG}'],
    });
    const allowed = config
      .getConfigArray('catalog.rules')
      .flatMap(rule => rule.getStringArray('allow'));
    expect(allowed).toEqual(expect.arrayContaining(['User', 'Group']));
    // the org provider needs an integration for its host
    expect(
      config
        .getConfigArray('integrations.github')
        .map(i => i.getString('host')),
    ).toContain('github.com');
  });

  it('uses PostgreSQL with the connection from the environment', () => {
    expect(config.getString('backend.database.client')).toBe('pg');
    expect(config.get('backend.database.connection')).toEqual({
      host: '${POSTGRES_HOST}',
      port: '${POSTGRES_PORT}',
      user: '${POSTGRES_USER}',
      password: '${POSTGRES_PASSWORD}',
    });
  });

  it('takes the public URL from the environment', () => {
    for (const key of ['app.baseUrl', 'backend.baseUrl', 'backend.cors.origin'])
      expect(config.getString(key)).toBe('${BACKSTAGE_BASE_URL}');
  });

  it('has no demo data: no snapshot clusters or traffic, no example entities', async () => {
    const env = Object.fromEntries(
      variablesIn(config.get()).map(name => [name, sample(name)]),
    );
    const resolved = new ConfigReader(substitute(config.get(), env) as any);
    const sources = await readSources(resolved);
    expect(sources.map(s => [s.type, s.name])).toEqual([
      ['kubernetes', 'mesh-cluster-1-name'],
    ]);
    expect(
      resolved.getOptionalString('mesh.snapshot.directory'),
    ).toBeUndefined();
    expect(
      resolved.getOptionalString('mesh.traffic.snapshot.file'),
    ).toBeUndefined();
    // only Meshport's request templates, which the image ships under /app
    const locations = resolved.getConfigArray('catalog.locations');
    expect(
      locations.map(l =>
        l.getConfigArray('rules').flatMap(r => r.getStringArray('allow')),
      ),
    ).toEqual(locations.map(() => ['Template']));
    for (const location of locations) {
      expect(fs.existsSync(path.join(ROOT, location.getString('target')))).toBe(
        true,
      );
    }
    expect(resolved.getString('auth.environment')).toBe('production');
  });

  it('holds no secret in clear: every credential is a ${VARIABLE}', () => {
    const text = fs.readFileSync(
      path.join(ROOT, 'app-config.production.yaml'),
      'utf8',
    );
    for (const key of [
      'password',
      'serviceAccountToken',
      'clientSecret',
      'caData',
    ])
      for (const line of text
        .split('\n')
        .filter(l => l.trim().startsWith(`${key}:`)))
        expect(line).toMatch(/: \$\{\w+\}$/);
  });
});

describe('packages/backend/Dockerfile', () => {
  const dockerfile = fs.readFileSync(
    path.join(ROOT, 'packages/backend/Dockerfile'),
    'utf8',
  );

  it('ships what the production config refers to, and starts with it', () => {
    expect(dockerfile).toMatch(
      /^COPY .*examples\/templates \.\/examples\/templates$/m,
    );
    expect(dockerfile).toMatch(
      /^COPY .*app-config\.yaml app-config\.production\.yaml \.\/$/m,
    );
    expect(dockerfile).toContain(
      'CMD ["node", "packages/backend", "--config", "app-config.yaml", "--config", "app-config.production.yaml"]',
    );
  });

  it('builds native modules against local Node headers and caches Yarn 4’s cache folder', () => {
    // better-sqlite3's node-gyp build would otherwise download headers (scripts/env.sh sets the same)
    expect(dockerfile).toMatch(/^ENV npm_config_nodedir=\S+$/m);
    // Yarn 4's global cache (enableGlobalCache, ~/.yarn/berry/cache), not Yarn 1's ~/.cache/yarn
    expect(dockerfile).not.toContain('/home/node/.cache/yarn');
    expect(dockerfile).toContain('target=/home/node/.yarn/berry/cache');
  });

  it('is a multi-stage build that runs as the unprivileged node user', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(3);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
  });
});

describe('deploy/helm/values.yaml', () => {
  const backstage = values.backstage;

  it('validates against the chart’s values.schema.json (backstage/charts, chart backstage 2.8.2)', () => {
    // a copy of charts/backstage/values.schema.json at chart version 2.8.2; Helm validates
    // values against it on install and upgrade
    const schema = JSON.parse(
      fs.readFileSync(
        path.join(
          __dirname,
          '__fixtures__/backstage-chart-2.8.2.values.schema.json',
        ),
        'utf8',
      ),
    );
    // Kubernetes' int32/int64 formats are annotations to Ajv; types are still checked
    const validate = new Ajv2020({
      strict: false,
      allErrors: true,
      validateFormats: false,
    }).compile(schema);
    expect(validate(values) ? [] : validate.errors).toEqual([]);
    // and the validation is real
    expect(
      validate({ ...values, backstage: { ...backstage, replicas: 'two' } }),
    ).toBe(false);
  });

  it('passes the restricted Pod Security Standard: seccomp RuntimeDefault, non-root, no privilege escalation', () => {
    expect(backstage.podSecurityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(backstage.containerSecurityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  const config = layered(base, production, backstage.appConfig);
  const envNames = (backstage.extraEnvVars as Array<{ name: string }>).map(
    e => e.name,
  );

  it('runs the image with the production config, then the chart appConfig', () => {
    expect(backstage.command).toEqual([
      'node',
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ]);
    expect(values.postgresql.enabled).toBe(false);
    expect(backstage.replicas).toBeGreaterThan(1);
  });

  it('limits the JavaScript heap below the container memory limit, leaving room for the rest', () => {
    const options = (
      backstage.extraEnvVars as Array<{ name: string; value?: string }>
    ).find(e => e.name === 'NODE_OPTIONS')?.value;
    const heapMiB = Number(
      /--max-old-space-size=(\d+)/.exec(options ?? '')?.[1],
    );
    const limit = /^(\d+)(Mi|Gi)$/.exec(backstage.resources.limits.memory);
    expect(limit).not.toBeNull();
    const limitMiB = Number(limit![1]) * (limit![2] === 'Gi' ? 1024 : 1);
    expect(heapMiB).toBeGreaterThan(0);
    // buffers, code and the native side live outside the heap: a quarter of the limit
    expect(heapMiB).toBeLessThanOrEqual(limitMiB * 0.75);
  });

  it('sets every environment variable the layered configuration reads', () => {
    expect(
      variablesIn(config.get()).filter(v => !envNames.includes(v)),
    ).toEqual([]);
  });

  it('takes every secret from a Kubernetes Secret, never a plain value', () => {
    const secret = /PASSWORD|TOKEN|SECRET|CA_DATA|CLIENT_ID|POSTGRES_/;
    const secrets = (
      backstage.extraEnvVars as Array<{
        name: string;
        value?: string;
        valueFrom?: { secretKeyRef?: { name: string } };
      }>
    ).filter(variable => secret.test(variable.name));
    expect(secrets.length).toBeGreaterThan(8);
    expect(secrets.filter(v => v.value !== undefined)).toEqual([]);
    expect(
      secrets.filter(
        v => !v.valueFrom?.secretKeyRef?.name.startsWith('meshport-'),
      ),
    ).toEqual([]);
  });

  it('is a configuration the mesh backend accepts', async () => {
    const env = Object.fromEntries(envNames.map(n => [n, sample(n)]));
    const resolved = new ConfigReader(substitute(config.get(), env) as any);
    const sources = await readSources(resolved);
    expect(sources.map(s => [s.type, s.name])).toEqual([
      ['kubernetes', 'cluster-1'],
      ['kubernetes', 'cluster-2'],
    ]);
    expect(readDiscoveryOptions(resolved).concurrency).toBe(10);
    // the Prometheus module reads it; the snapshot module finds no file and sets no source
    expect(resolved.getString('mesh.prometheus.url')).toBe(
      sample('MESH_PROMETHEUS_URL'),
    );
    expect(
      resolved.getOptionalString('mesh.traffic.snapshot.file'),
    ).toBeUndefined();
  });
});
