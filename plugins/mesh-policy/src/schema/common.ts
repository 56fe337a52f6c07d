import {
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_LABEL_REGEX,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  DNS1123_SUBDOMAIN_REGEX,
  isDnsSubdomain,
} from '@meshport/backstage-plugin-mesh-common';
import { z } from 'zod';

/**
 * Building blocks shared by the policy kinds. Names end up as Kubernetes names, file names and
 * YAML keys, so they are restricted to DNS-1123 labels: no dots, slashes, colons or spaces that
 * could escape a directory or change the meaning of a document. The rules are mesh-common's.
 */

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const HEADER_NAME = /^[A-Za-z0-9][-A-Za-z0-9_]*$/;

/** Control characters would let a value break out of a header or a log line. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function dnsLabelSchema(what: string) {
  return z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty` })
    .max(DNS1123_LABEL_MAX_LENGTH, {
      error: `${what} must be at most ${DNS1123_LABEL_MAX_LENGTH} characters`,
    })
    .regex(DNS1123_LABEL_REGEX, {
      error: `${what} must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit`,
    });
}

export const clusterNameSchema = dnsLabelSchema('a cluster name');
export const namespaceSchema = dnsLabelSchema('a namespace');

export const hostnameSchema = z
  .string()
  .max(DNS1123_SUBDOMAIN_MAX_LENGTH, {
    error: `a hostname must be at most ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`,
  })
  .regex(DNS1123_SUBDOMAIN_REGEX, {
    error:
      'a hostname must be lower-case DNS labels separated by dots, e.g. reviews.global',
  })
  .refine(h => h.includes('.'), {
    error: 'a hostname needs at least two labels, e.g. reviews.global',
  })
  .refine(h => !h.endsWith('.cluster.local'), {
    error:
      'a global hostname must not end in .cluster.local: that suffix belongs to Kubernetes services; use e.g. reviews.global',
  });

function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const [prefix, name] =
    slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : ['', key];
  if (slash >= 0 && !isDnsSubdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

export const labelMapSchema = z
  .record(
    z.string().refine(isLabelKey, {
      error:
        'a label key must be [prefix/]name, name at most 63 letters, digits, "-", "_" or "."',
    }),
    z
      .string({
        error: 'a label value must be a string (quote numbers, e.g. "1")',
      })
      .max(63, { error: 'a label value must be at most 63 characters' })
      .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, {
        error:
          'a label value may hold only letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      }),
  )
  .refine(m => Object.keys(m).length <= 8, { error: 'at most 8 labels' });

export const durationSchema = z.string().regex(/^[1-9][0-9]{0,4}(ms|s|m|h)$/, {
  error: 'a duration is a whole number and a unit, e.g. 250ms, 5s, 1m',
});

export const portSchema = z
  .number({ error: 'a port must be a number' })
  .int({ error: 'a port must be a whole number' })
  .min(1, { error: 'a port must be between 1 and 65535' })
  .max(65535, { error: 'a port must be between 1 and 65535' });

export const percentSchema = z
  .number({ error: 'a percentage must be a number' })
  .min(0, { error: 'a percentage must be between 0 and 100' })
  .max(100, { error: 'a percentage must be between 0 and 100' });

export const headerNameSchema = z
  .string()
  .max(128, { error: 'a header name must be at most 128 characters' })
  .regex(HEADER_NAME, {
    error: 'a header name may hold only letters, digits, "-" and "_"',
  });

export const headerValueSchema = z
  .string({ error: 'a header value must be a string' })
  .max(1024, { error: 'a header value must be at most 1024 characters' })
  .refine(v => !hasControlCharacter(v), {
    error: 'a header value must not contain control characters or newlines',
  });

export const pathValueSchema = z
  .string()
  .min(1)
  .max(1024, { error: 'a path must be at most 1024 characters' })
  .refine(v => v.startsWith('/') && !/\s/.test(v) && !hasControlCharacter(v), {
    error:
      'a path must start with "/" and contain no spaces or control characters',
  });

/** The logical service a policy is about: the same namespace + name in every cluster. */
export const destinationSchema = z.strictObject({
  service: dnsLabelSchema('destination.service'),
  namespace: namespaceSchema,
  port: portSchema.optional(),
});

export const metadataSchema = z.strictObject({
  name: dnsLabelSchema('metadata.name'),
  namespace: namespaceSchema,
});

export type Destination = z.infer<typeof destinationSchema>;
export type PolicyMetadata = z.infer<typeof metadataSchema>;
export type LabelMap = z.infer<typeof labelMapSchema>;
