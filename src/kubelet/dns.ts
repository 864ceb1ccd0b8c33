/**
 * The DNS configuration of a pod's sandbox (kubelet's pkg/kubelet/network/dns
 * GetPodDNS): ClusterFirst pods resolve through the cluster DNS with the search path
 * `<ns>.svc.<domain> svc.<domain> <domain>` and `ndots:5`; `Default` pods and
 * host-network ClusterFirst pods keep the node's resolv.conf (no config is sent, so
 * the runtime copies the host's); `ClusterFirstWithHostNet` uses the cluster DNS even
 * on the host network; `None` uses only `spec.dnsConfig`. Pure.
 */
import type { Pod } from '../api/types.js';
import type { DNSConfig } from './cri/api.js';

/** The Service IP of the cluster DNS (kube-dns) every ClusterFirst pod is pointed at. */
export const DEFAULT_CLUSTER_DNS = '10.96.0.10';
/** The cluster domain. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** Cluster DNS settings of a kubelet (its --cluster-dns and --cluster-domain). */
export interface ClusterDNSSettings {
  servers: string[];
  domain: string;
}

interface PodDNSConfigSpec {
  nameservers?: string[];
  searches?: string[];
  options?: { name?: string; value?: string }[];
}

function parseSpecConfig(raw: unknown): PodDNSConfigSpec {
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as Record<string, unknown>;
  const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const options = Array.isArray(r.options)
    ? r.options.filter((o): o is { name?: string; value?: string } => !!o && typeof o === 'object')
    : undefined;
  return { nameservers: strs(r.nameservers), searches: strs(r.searches), options };
}

/** Merges option lists by name, later entries winning (upstream mergeDNSOptions). */
function mergeOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const o of base) {
    const i = o.indexOf(':');
    byName.set(i < 0 ? o : o.slice(0, i), o);
  }
  for (const o of extra) {
    if (!o.name) continue;
    byName.set(o.name, o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name);
  }
  return [...byName.values()];
}

/**
 * The sandbox DNSConfig of `pod`, or undefined when the runtime should copy the
 * host's resolv.conf (dnsPolicy `Default`, or `ClusterFirst` on the host network, or
 * no cluster DNS configured). `spec.dnsConfig` is appended (nameservers, searches) and
 * merged (options by name), as upstream does.
 */
export function podDNSConfig(pod: Pod, cluster: ClusterDNSSettings): DNSConfig | undefined {
  const policy = pod.spec.dnsPolicy || 'ClusterFirst';
  const extra = parseSpecConfig((pod.spec as Record<string, unknown>).dnsConfig);
  let base: DNSConfig | undefined;
  if (policy === 'None') base = { servers: [], searches: [], options: [] };
  else if (policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec.hostNetwork)) {
    if (cluster.servers.length > 0) {
      const ns = pod.metadata.namespace || 'default';
      const d = cluster.domain;
      base = { servers: [...cluster.servers], searches: [`${ns}.svc.${d}`, `svc.${d}`, d], options: ['ndots:5'] };
    }
  }
  if (!base) {
    if (!extra.nameservers?.length && !extra.searches?.length && !extra.options?.length) return undefined;
    // Default policy with spec.dnsConfig: upstream merges into the host's config; we can only send the extras.
    base = { servers: [], searches: [], options: [] };
  }
  const searches = [...new Set([...base.searches, ...(extra.searches ?? [])])].slice(0, 32);
  return {
    servers: [...base.servers, ...(extra.nameservers ?? [])].slice(0, 3),
    searches,
    options: mergeOptions(base.options, extra.options ?? []),
  };
}
