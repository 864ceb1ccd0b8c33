/**
 * Validation for Namespace, Node, core/v1 Event and coordination/v1 Lease
 * (pkg/apis/core/validation, pkg/apis/coordination/validation), kept light:
 * metadata plus the few spec fields peapod interprets.
 */
import type { FieldError } from '../errors.js';
import type { CoreEvent, Lease, Namespace, Node } from '../types.js';
import { child, index, invalid, invalidEach, notSupported, required } from './field.js';
import { validateObjectMeta } from './objectmeta.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSLabel, nameIsDNSSubdomain } from './primitives.js';

function validateFinalizerNames(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => {
    const p = index(path, i);
    const msgs = isQualifiedName(f);
    if (msgs.length) errs.push(...invalidEach(p, f, msgs));
    else if (!f.includes('/') && f !== 'kubernetes') {
      errs.push(invalid(p, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

/** ValidateNamespace: cluster-scoped DNS-label name, qualified finalizer names. */
export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata ?? {}, false, nameIsDNSLabel);
  errs.push(...validateFinalizerNames(ns.spec?.finalizers, 'spec.finalizers'));
  return errs;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** ValidateNode: cluster-scoped DNS-subdomain name, taints with valid keys and effects. */
export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata ?? {}, false, nameIsDNSSubdomain);
  const seen = new Set<string>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const p = index('spec.taints', i);
    if (!t.key) errs.push(required(child(p, 'key')));
    else errs.push(...invalidEach(child(p, 'key'), t.key, isQualifiedName(t.key)));
    if (!t.effect) errs.push(required(child(p, 'effect')));
    else if (!(TAINT_EFFECTS as readonly string[]).includes(t.effect)) errs.push(notSupported(child(p, 'effect'), t.effect, TAINT_EFFECTS));
    const id = `${t.key}:${t.effect}`;
    if (seen.has(id)) errs.push({ type: 'Duplicate', field: p, value: t, detail: 'taints must be unique by key and effect pair' });
    seen.add(id);
  });
  if (node.spec?.unschedulable !== undefined && typeof node.spec.unschedulable !== 'boolean') {
    errs.push(invalid('spec.unschedulable', node.spec.unschedulable, 'must be a boolean'));
  }
  return errs;
}

/**
 * ValidateEventCreate (core/v1 legacy rules): namespaced metadata; the
 * involved object's namespace must match the event's (or be empty for
 * `default`); new-style events (with eventTime) need reportingComponent,
 * reportingInstance, action and reason.
 */
export function validateEvent(ev: CoreEvent): FieldError[] {
  const errs = validateObjectMeta(ev.metadata ?? {}, true, nameIsDNSSubdomain);
  const ns = ev.metadata?.namespace ?? '';
  const ions = ev.involvedObject?.namespace ?? '';
  const mismatch = () => errs.push(invalid('involvedObject.namespace', ions, 'does not match event.namespace'));
  if (!ev.eventTime) {
    if (!ions) {
      if (ns !== '' && ns !== 'default') mismatch();
    } else if (ns !== ions) mismatch();
  } else {
    if (!ions && ns !== 'default' && ns !== 'kube-system') mismatch();
    if (!ev.reportingComponent) errs.push(required('reportingComponent'));
    errs.push(...invalidEach('reportingComponent', ev.reportingComponent ?? '', ev.reportingComponent ? isQualifiedName(ev.reportingComponent) : []));
    if (!ev.reportingInstance) errs.push(required('reportingInstance'));
    else if (ev.reportingInstance.length > 128) errs.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!ev.action) errs.push(required('action'));
    if (!ev.reason) errs.push(required('reason'));
  }
  if (ns) errs.push(...invalidEach('namespace', ns, isDNS1123Subdomain(ns)));
  return errs;
}

/** ValidateLease: namespaced DNS-subdomain name, positive leaseDurationSeconds, non-negative leaseTransitions. */
export function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectMeta(lease.metadata ?? {}, true, nameIsDNSSubdomain);
  const d = lease.spec?.leaseDurationSeconds;
  if (d !== undefined && d !== null && d <= 0) errs.push(invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  const t = lease.spec?.leaseTransitions;
  if (t !== undefined && t !== null && t < 0) errs.push(invalid('spec.leaseTransitions', t, 'must be greater than or equal to 0'));
  return errs;
}
