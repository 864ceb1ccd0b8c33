import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitions, getDefinition, jsonProperties, reachableDefinitions, schemaForKind } from './index.js';
import type { Field } from './index.js';

function fieldRefs(f: Field): string[] {
  if (f.type === 'ref') return [f.ref];
  if (f.type === 'array') return fieldRefs(f.items);
  if (f.type === 'map') return fieldRefs(f.values);
  if (f.type === 'object') return Object.values(f.properties ?? {}).flatMap(fieldRefs);
  return [];
}

describe('schema registry', () => {
  it('resolves every ref and embed', () => {
    for (const [name, def] of Object.entries(definitions)) {
      for (const e of def.embeds ?? []) assert.ok(definitions[e.ref], `${name} embeds unknown ${e.ref}`);
      for (const [k, f] of Object.entries(def.properties)) {
        for (const r of fieldRefs(f)) assert.ok(definitions[r], `${name}.${k} refers to unknown ${r}`);
      }
    }
  });

  it('gives every field a description and unique protobuf numbers per message', () => {
    for (const [name, def] of Object.entries(definitions)) {
      assert.ok(def.description, `${name} lacks a description`);
      const seen = new Map<number, string>();
      for (const e of def.embeds ?? []) seen.set(e.proto, `embed ${e.ref}`);
      for (const [k, f] of Object.entries(def.properties)) {
        assert.ok(f.description, `${name}.${k} lacks a description`);
        if (f.proto === undefined) continue;
        assert.ok(!seen.has(f.proto), `${name}.${k} reuses proto ${f.proto} of ${seen.get(f.proto)}`);
        seen.set(f.proto, k);
      }
    }
  });

  const kinds: [string, string, string, string][] = [
    ['', 'v1', 'Pod', 'io.k8s.api.core.v1.Pod'],
    ['', 'v1', 'Node', 'io.k8s.api.core.v1.Node'],
    ['', 'v1', 'Namespace', 'io.k8s.api.core.v1.Namespace'],
    ['', 'v1', 'Event', 'io.k8s.api.core.v1.Event'],
    ['', 'v1', 'ConfigMap', 'io.k8s.api.core.v1.ConfigMap'],
    ['', 'v1', 'Secret', 'io.k8s.api.core.v1.Secret'],
    ['', 'v1', 'Service', 'io.k8s.api.core.v1.Service'],
    ['', 'v1', 'Binding', 'io.k8s.api.core.v1.Binding'],
    ['coordination.k8s.io', 'v1', 'Lease', 'io.k8s.api.coordination.v1.Lease'],
    ['apps', 'v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment'],
    ['apps', 'v1', 'ReplicaSet', 'io.k8s.api.apps.v1.ReplicaSet'],
    ['autoscaling', 'v1', 'Scale', 'io.k8s.api.autoscaling.v1.Scale'],
  ];
  for (const [group, version, kind, name] of kinds) {
    it(`schemaForKind(${group || 'core'}, ${version}, ${kind})`, () => {
      const got = schemaForKind(group, version, kind);
      assert.equal(got?.name, name);
      assert.ok(jsonProperties(name).apiVersion, 'top-level kinds declare apiVersion');
      assert.ok(jsonProperties(name).metadata, 'top-level kinds declare metadata');
    });
  }

  it('returns undefined for unknown kinds and versions', () => {
    assert.equal(schemaForKind('', 'v1', 'Nope'), undefined);
    assert.equal(schemaForKind('apps', 'v1beta1', 'Deployment'), undefined);
    assert.equal(schemaForKind('', 'v1', 'Deployment'), undefined);
  });

  it('throws on unknown definition names', () => {
    assert.throws(() => getDefinition('io.k8s.api.core.v1.Nope'), /unknown definition/);
  });

  // Spot checks against upstream generated.proto numbers.
  const numbers: [string, string, number][] = [
    ['io.k8s.api.core.v1.Container', 'env', 7],
    ['io.k8s.api.core.v1.Container', 'envFrom', 19],
    ['io.k8s.api.core.v1.Container', 'startupProbe', 22],
    ['io.k8s.api.core.v1.PodSpec', 'initContainers', 20],
    ['io.k8s.api.core.v1.PodSpec', 'tolerations', 22],
    ['io.k8s.api.core.v1.PodStatus', 'podIPs', 12],
    ['io.k8s.api.core.v1.VolumeSource', 'configMap', 19],
    ['io.k8s.api.core.v1.VolumeSource', 'projected', 26],
    ['io.k8s.api.core.v1.Event', 'eventTime', 10],
    ['io.k8s.api.core.v1.Secret', 'type', 3],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'labels', 11],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'managedFields', 17],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference', 'apiVersion', 5],
    ['io.k8s.api.apps.v1.DeploymentSpec', 'progressDeadlineSeconds', 9],
    ['io.k8s.api.coordination.v1.LeaseSpec', 'renewTime', 4],
  ];
  for (const [def, field, no] of numbers) {
    it(`${def.split('.').pop()}.${field} is protobuf field ${no}`, () => {
      assert.equal(getDefinition(def).properties[field]?.proto, no);
    });
  }

  it('flattens inline embeds into JSON properties', () => {
    assert.ok(jsonProperties('io.k8s.api.core.v1.Volume').hostPath);
    assert.ok(jsonProperties('io.k8s.api.core.v1.Probe').httpGet);
    assert.ok(jsonProperties('io.k8s.api.core.v1.ConfigMapKeySelector').name);
    assert.ok(jsonProperties('io.k8s.api.core.v1.EphemeralContainer').image);
  });

  it('reaches PodSpec, Container and ObjectMeta from Deployment', () => {
    const names = reachableDefinitions(['io.k8s.api.apps.v1.Deployment']);
    for (const n of ['io.k8s.api.core.v1.PodSpec', 'io.k8s.api.core.v1.Container', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']) {
      assert.ok(names.includes(n), n);
    }
    assert.ok(!names.includes('io.k8s.api.core.v1.Node'));
  });
});
