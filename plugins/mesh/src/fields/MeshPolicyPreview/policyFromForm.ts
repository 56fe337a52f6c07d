import {
  defaultPolicyName,
  POLICY_API_VERSION,
} from '@meshport/backstage-plugin-mesh-policy';
import { parseServiceId } from '../../entity/meshServiceRef';

/**
 * The form's values as the policy document the scaffolder action will build from them, so the
 * preview compiles exactly what the pull request will hold. This follows the templates' step
 * inputs (examples/templates/request-mesh-*) and `trafficPolicyFromInput` /
 * `accessPolicyFromInput` in plugins/scaffolder-backend-module-mesh/src/actions, which a
 * frontend package cannot import; keep them in step (the parity test compares against the
 * action's golden files). Content rules stay with mesh-policy's schema, which judges the result.
 */

/** The whole template form, as the scaffolder hands it to a field in `formContext.formData`. */
export type FormValues = Record<string, unknown>;

export type PreviewKind = 'TrafficPolicy' | 'AccessPolicy';

export type FormPolicy =
  | {
      ok: true;
      document: unknown;
      /**
       * The form field behind each policy path, for messages: `spec.route.0.weight` → `Weight 2`
       * when row 1 was left empty (the action drops empty rows, so positions shift).
       */
      fieldLabels: Record<string, string>;
    }
  | {
      ok: false;
      /** What to fill in before there is anything to preview. */
      missing: string;
    };

// The templates' fixed rows: target1…target4 + weight1…weight4, source1…source3.
const ROUTE_ROWS = 4;
const CALLER_ROWS = 3;

const NO_SERVICE =
  'Choose the service (field "service") to see what this request adds.';

/** `meshport:policy:traffic` as the request-mesh-route template calls it. */
export function trafficPolicyFromForm(form: FormValues): FormPolicy {
  const ref = parseServiceId(stringValue(form.service));
  if (!ref) return { ok: false, missing: NO_SERVICE };
  const { namespace, name: service } = ref;
  const sourceCluster = stringValue(form.sourceCluster);
  const sources = sourceCluster ? [sourceCluster] : [];
  const fieldLabels: Record<string, string> = {
    'metadata.name': 'Policy name',
    'spec.destination': 'Service',
    'spec.sources': 'From cluster',
    'spec.route': 'Targets and weights',
    'spec.timeout': 'Timeout',
    'spec.retries': 'Retries',
  };

  // Rows left empty are dropped; a half-filled row stays, so the schema can say which half is
  // missing.
  const route: Record<string, unknown>[] = [];
  for (let row = 1; row <= ROUTE_ROWS; row++) {
    const target = objectValue(form[`target${row}`]);
    const weight = form[`weight${row}`];
    const entry = {
      cluster: target?.cluster,
      subset: target?.subset,
      weight: weight === '' ? undefined : weight,
    };
    if (
      entry.cluster === undefined &&
      entry.subset === undefined &&
      entry.weight === undefined
    ) {
      continue;
    }
    const at = `spec.route.${route.length}`;
    fieldLabels[at] = `Target ${row} / Weight ${row}`;
    fieldLabels[`${at}.cluster`] = `Target ${row}`;
    fieldLabels[`${at}.subset`] = `Target ${row}`;
    fieldLabels[`${at}.weight`] = `Weight ${row}`;
    route.push(entry);
  }

  const retries = objectValue(form.retries);
  return {
    ok: true,
    fieldLabels,
    document: withoutUndefined({
      apiVersion: POLICY_API_VERSION,
      kind: 'TrafficPolicy',
      metadata: {
        name:
          form.name ||
          defaultPolicyName(
            'TrafficPolicy',
            namespace,
            sources.length > 0
              ? [service, 'from', ...sources]
              : [service, 'route'],
          ),
        namespace,
      },
      spec: {
        sources:
          sources.length > 0
            ? sources.map(cluster => ({ cluster }))
            : undefined,
        destination: { service, namespace },
        route: route.length > 0 ? route : undefined,
        timeout: form.timeout || undefined,
        retries:
          retries?.attempts !== undefined
            ? {
                attempts: retries.attempts,
                perTryTimeout: retries.perTryTimeout || undefined,
                retryOn: nonEmptyArray(retries.retryOn),
              }
            : undefined,
      },
    }),
  };
}

/** `meshport:policy:access` as the request-mesh-access template calls it. */
export function accessPolicyFromForm(form: FormValues): FormPolicy {
  const ref = parseServiceId(stringValue(form.service));
  if (!ref) return { ok: false, missing: NO_SERVICE };
  const { namespace, name: service } = ref;
  const fieldLabels: Record<string, string> = {
    'metadata.name': 'Policy name',
    'spec.destination': 'Service',
    'spec.sources': 'Callers',
    'spec.allow.methods': 'Methods',
    'spec.allow.paths': 'Paths',
  };

  const sources: Record<string, unknown>[] = [];
  for (let row = 1; row <= CALLER_ROWS; row++) {
    const source = objectValue(form[`source${row}`]);
    if (!source) continue;
    fieldLabels[`spec.sources.${sources.length}`] = `Caller ${row}`;
    sources.push(source);
  }
  if (sources.length === 0) {
    return {
      ok: false,
      missing:
        'Choose at least one caller (field "source1") to see what this request adds.',
    };
  }

  const first = sources[0];
  const allow = withoutUndefined({
    methods: nonEmptyArray(form.methods),
    paths: nonEmptyArray(form.paths),
  });
  return {
    ok: true,
    fieldLabels,
    document: withoutUndefined({
      apiVersion: POLICY_API_VERSION,
      kind: 'AccessPolicy',
      metadata: {
        name:
          form.name ||
          defaultPolicyName('AccessPolicy', namespace, [
            String(first.serviceAccount || first.namespace),
            String(first.cluster),
            ...(sources.length > 1 ? [`and-${sources.length - 1}-more`] : []),
            'to',
            service,
          ]),
        namespace,
      },
      spec: {
        sources: sources.map(s =>
          withoutUndefined({
            cluster: s.cluster,
            namespace: s.namespace,
            serviceAccount: s.serviceAccount || undefined,
          }),
        ),
        destination: { service, namespace },
        allow: Object.keys(allow).length > 0 ? allow : undefined,
      },
    }),
  };
}

export function policyFromForm(kind: PreviewKind, form: FormValues) {
  return kind === 'TrafficPolicy'
    ? trafficPolicyFromForm(form)
    : accessPolicyFromForm(form);
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function objectValue(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function nonEmptyArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

/** Drops absent optional fields, as the action does, so the policy holds only what was asked. */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, withoutUndefined(v)]),
    ) as T;
  }
  return value;
}
