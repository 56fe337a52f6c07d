import {
  AccessRequest,
  accessPolicyFromRequest,
  routeFromRequest,
  trafficPolicyFromRequest,
} from '@meshport/backstage-plugin-mesh-policy';
import { parseServiceId } from '../../entity/meshServiceRef';

/**
 * The form's values as the policy document the scaffolder action will build from them, so the
 * preview compiles exactly what the pull request will hold: this maps the form fields to the
 * action's input as the templates' steps do (examples/templates/request-mesh-*), and the
 * document comes from the same mesh-policy builder the action calls. Content rules stay with
 * mesh-policy's schema, which judges the result.
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
  const service = `${ref.namespace}/${ref.name}`;
  const sourceCluster = stringValue(form.sourceCluster);
  const fieldLabels: Record<string, string> = {
    'metadata.name': 'Policy name',
    'spec.destination': 'Service',
    'spec.sources': 'From cluster',
    'spec.route': 'Targets and weights',
    'spec.timeout': 'Timeout',
    'spec.retries': 'Retries',
  };
  // `route` (MeshSplitEditor) is a list; templates written before it have fixed rows
  const rows = Array.isArray(form.route)
    ? form.route.map(value => {
        const row = objectValue(value);
        return {
          cluster: row?.cluster,
          subset: row?.subset,
          weight: row?.weight,
        };
      })
    : Array.from({ length: ROUTE_ROWS }, (_, i) => {
        const target = objectValue(form[`target${i + 1}`]);
        return {
          cluster: target?.cluster,
          subset: target?.subset,
          weight: form[`weight${i + 1}`],
        };
      });
  const fixedRows = !Array.isArray(form.route);
  // positions shift where the action drops an empty row: label by the form's row number
  routeFromRequest(rows).forEach(({ row }, at) => {
    const path = `spec.route.${at}`;
    const n = row + 1;
    fieldLabels[path] = fixedRows
      ? `Target ${n} / Weight ${n}`
      : `Targets and weights, row ${n}`;
    fieldLabels[`${path}.cluster`] = `Target ${n}`;
    fieldLabels[`${path}.subset`] = `Target ${n}`;
    fieldLabels[`${path}.weight`] = `Weight ${n}`;
  });
  const retries = objectValue(form.retries);
  return {
    ok: true,
    fieldLabels,
    document: trafficPolicyFromRequest({
      service,
      name: stringValue(form.name),
      sourceClusters: sourceCluster ? [sourceCluster] : [],
      route: rows,
      timeout: stringValue(form.timeout),
      retries: retries && {
        attempts: retries.attempts,
        perTryTimeout: stringValue(retries.perTryTimeout),
        retryOn: arrayValue(retries.retryOn),
      },
    }),
  };
}

/** `meshport:policy:access` as the request-mesh-access template calls it. */
export function accessPolicyFromForm(form: FormValues): FormPolicy {
  const ref = parseServiceId(stringValue(form.service));
  if (!ref) return { ok: false, missing: NO_SERVICE };
  const service = `${ref.namespace}/${ref.name}`;
  const fieldLabels: Record<string, string> = {
    'metadata.name': 'Policy name',
    'spec.destination': 'Service',
    'spec.sources': 'Callers',
    'spec.allow.methods': 'Methods',
    'spec.allow.paths': 'Paths',
  };
  const sources: AccessRequest['sources'] = [];
  // `callers` (MeshCallersPicker) is a list; templates written before it have fixed rows
  const callers = Array.isArray(form.callers) ? form.callers : [];
  callers.forEach((value, index) => {
    const source = objectValue(value);
    if (!source) return;
    fieldLabels[`spec.sources.${sources.length}`] = `Caller ${index + 1}`;
    sources.push({
      cluster: source.cluster,
      namespace: source.namespace,
      serviceAccount: source.serviceAccount,
    });
  });
  for (let row = 1; row <= CALLER_ROWS; row++) {
    const source = objectValue(form[`source${row}`]);
    if (!source) continue;
    fieldLabels[`spec.sources.${sources.length}`] = `Caller ${row}`;
    sources.push({
      cluster: source.cluster,
      namespace: source.namespace,
      serviceAccount: source.serviceAccount,
    });
  }
  if (sources.length === 0) {
    return {
      ok: false,
      missing:
        'Choose at least one caller (field "callers") to see what this request adds.',
    };
  }
  return {
    ok: true,
    fieldLabels,
    document: accessPolicyFromRequest({
      service,
      name: stringValue(form.name),
      sources,
      methods: arrayValue(form.methods),
      paths: arrayValue(form.paths),
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

function arrayValue(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
