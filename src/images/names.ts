/**
 * Image reference parsing and normalisation, the Docker way (distribution's
 * `reference.ParseNormalizedNamed` + `TagNameOnly`): `busybox` is
 * `docker.io/library/busybox:latest`, `foo/bar:1` is `docker.io/foo/bar:1`,
 * `localhost:5000/x` keeps its registry, and a missing tag means `latest`.
 */

/** A parsed, normalised image reference. */
export interface ImageName {
  /** Registry host (with port), e.g. `docker.io`, `localhost:5000`. */
  registry: string;
  /** Repository path, e.g. `library/busybox`. */
  repository: string;
  /** Tag; `latest` when neither a tag nor a digest was given. Undefined for digest-only refs. */
  tag?: string;
  /** `sha256:<hex>` when the reference pins a digest. */
  digest?: string;
}

const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DOMAIN_RE = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:.]+\](?::[0-9]+)?$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses and normalises an image reference.
 * @throws Error with a Docker-like message (`invalid reference format`) when malformed.
 */
export function parseImageName(ref: string): ImageName {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw new Error(`invalid reference format: ${JSON.stringify(ref)} (bad digest)`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw new Error(`invalid reference format: ${JSON.stringify(ref)} (bad tag)`);
  }
  let registry = 'docker.io';
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      repository = rest.slice(slash + 1);
    }
  }
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (!DOMAIN_RE.test(registry)) throw new Error(`invalid reference format: ${JSON.stringify(ref)} (bad registry)`);
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (repository === '' || !repository.split('/').every((c) => COMPONENT_RE.test(c))) {
    throw new Error(`invalid reference format: ${JSON.stringify(ref)} (repository name must be lowercase)`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  const out: ImageName = { registry, repository };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** Formats a parsed reference as `registry/repository[:tag][@digest]`. */
export function formatImageName(n: ImageName): string {
  return `${n.registry}/${n.repository}${n.tag !== undefined ? ':' + n.tag : ''}${n.digest !== undefined ? '@' + n.digest : ''}`;
}

/**
 * Normalises a reference to its fully qualified form, e.g. `busybox` →
 * `docker.io/library/busybox:latest`. Throws like {@link parseImageName}.
 */
export function normalizeImageName(ref: string): string {
  return formatImageName(parseImageName(ref));
}
