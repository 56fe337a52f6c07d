import dns from 'node:dns';
import ipaddr from 'ipaddr.js';

export interface ClusterUrlRules {
  /**
   * Host names (`*.example.com` for a domain and its sub-domains) exempt from the checks
   * below: internal API servers a platform team vouches for.
   */
  dangerouslyAllowClusterUrls?: string[];
}

export type LookupAll = (host: string) => Promise<Array<{ address: string }>>;

const lookupAll: LookupAll = host => dns.promises.lookup(host, { all: true });

function isPublic(address: string): boolean {
  try {
    return ipaddr.parse(address).range() === 'unicast';
  } catch {
    return false;
  }
}

function allowed(host: string, patterns: string[] = []): boolean {
  return patterns.some(raw => {
    const pattern = raw.toLowerCase();
    if (!pattern.startsWith('*.')) return host === pattern;
    return host === pattern.slice(2) || host.endsWith(pattern.slice(1));
  });
}

/**
 * Why an API server URL taken from a catalog annotation may not be called, or undefined when
 * it may. Anyone who can register an entity writes these annotations, so, as Backstage's
 * Kubernetes plugin does (plugins/kubernetes-backend/src/cluster-locator/
 * validateClusterApiServerUrl.ts), only HTTPS URLs without credentials to public addresses
 * are followed, unless the host is in `dangerouslyAllowClusterUrls`: otherwise an entity
 * could point discovery, and the credentials it sends, at an internal service.
 */
export async function clusterUrlProblem(
  value: string | undefined,
  rules: ClusterUrlRules,
  lookup: LookupAll = lookupAll,
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(value ?? '');
  } catch {
    return `API server URL ${JSON.stringify(value)} is not a valid URL`;
  }
  if (url.username || url.password) {
    return 'the API server URL must not contain credentials';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `the API server URL must use https, not ${url.protocol}`;
  }
  // URL keeps the brackets of an IPv6 literal
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (allowed(host, rules.dangerouslyAllowClusterUrls)) return undefined;
  const exempt = `, or list the host in dangerouslyAllowClusterUrls of the catalog locator`;
  if (url.protocol !== 'https:') {
    return `the API server URL must use https${exempt}`;
  }
  if (ipaddr.isValid(host)) {
    return isPublic(host)
      ? undefined
      : `the API server URL must not use a non-public IP address${exempt}`;
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host);
  } catch (error) {
    return `the API server host ${host} does not resolve (${
      (error as Error).message
    })`;
  }
  if (addresses.some(a => !isPublic(a.address))) {
    return `the API server host ${host} resolves to a non-public address${exempt}`;
  }
  return undefined;
}
