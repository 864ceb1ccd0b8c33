import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openApiDocument, openApiHash, openApiIndex, type Json, type JsonObject } from './openapi.js';

const V1 = [
  { resource: 'pods', kind: 'Pod', namespaced: true, subresources: ['status', 'binding', 'log', 'exec'] },
  { resource: 'namespaces', kind: 'Namespace', namespaced: false, subresources: ['status'] },
  { resource: 'nodes', kind: 'Node', namespaced: false, subresources: ['status'] },
  { resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
];
const APPS = [
  { resource: 'deployments', kind: 'Deployment', namespaced: true, subresources: ['status', 'scale'] },
  { resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, subresources: ['status', 'scale'] },
];

function obj(v: Json | undefined): JsonObject {
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `expected an object, got ${JSON.stringify(v)}`);
  return v;
}

/** kubectl's PatchMetaFromOpenAPIV3 resolve: first allOf element, then $ref. */
function resolve(doc: JsonObject, s: JsonObject): JsonObject {
  let cur = s;
  const allOf = cur.allOf;
  if (Array.isArray(allOf) && allOf.length > 0) cur = obj(allOf[0]);
  const ref = cur.$ref;
  if (typeof ref === 'string') cur = obj(obj(obj(doc.components).schemas)[ref.replace('#/components/schemas/', '')]);
  return cur;
}

/** Walks `path` like strategicpatch does (arrays step into items), returning the last property schema (unresolved). */
function lookup(doc: JsonObject, root: string, path: string[]): JsonObject {
  let s = obj(obj(obj(doc.components).schemas)[root]);
  let prop: JsonObject = s;
  for (const key of path) {
    prop = obj(obj(s.properties)[key]);
    s = prop.type === 'array' ? resolve(doc, obj(prop.items)) : resolve(doc, prop);
  }
  return prop;
}

/** cli-runtime's supportsQueryParamV3. */
function supportsFieldValidation(doc: JsonObject, gvk: { group: string; version: string; kind: string }): boolean {
  for (const item of Object.values(obj(doc.paths))) {
    const patch = obj(item).patch;
    if (!patch) continue;
    const ext = obj(obj(patch)['x-kubernetes-group-version-kind'] ?? {});
    if (ext.group !== gvk.group || ext.version !== gvk.version || ext.kind !== gvk.kind) continue;
    const params = obj(patch).parameters;
    if (Array.isArray(params) && params.some((p) => obj(p).name === 'fieldValidation' && obj(p).in === 'query')) return true;
  }
  return false;
}

/** kubectl explain's typeGuess for a property. */
function typeGuess(doc: JsonObject, s: JsonObject): string {
  if (s.items) return `[]${typeGuess(doc, obj(s.items))}`;
  if (s.additionalProperties && typeof s.additionalProperties === 'object') return `map[string]${typeGuess(doc, obj(s.additionalProperties))}`;
  if (Array.isArray(s.allOf) && s.allOf.length === 1 && !s.properties) return typeGuess(doc, obj(s.allOf[0]));
  if (typeof s.$ref === 'string') {
    const target = resolve(doc, s);
    if (!target.type || target.type === 'object') return s.$ref.split('/').pop()!.split('.').pop()!;
    return String(target.type);
  }
  return s.type === 'object' ? 'Object' : String(s.type ?? 'Object');
}

describe('openApiIndex', () => {
  it('lists group-versions with hashed server-relative URLs', () => {
    const idx = openApiIndex(['v1', 'apps/v1', 'coordination.k8s.io/v1'], (gv) => `H-${gv.replace('/', '_')}`);
    assert.deepEqual(idx, {
      paths: {
        'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=H-v1' },
        'apis/apps/v1': { serverRelativeURL: '/openapi/v3/apis/apps/v1?hash=H-apps_v1' },
        'apis/coordination.k8s.io/v1': { serverRelativeURL: '/openapi/v3/apis/coordination.k8s.io/v1?hash=H-coordination.k8s.io_v1' },
      },
    });
  });
});

describe('openApiHash', () => {
  it('is stable, upper-case sha512 hex, and changes with content', () => {
    const a = openApiHash(openApiDocument('v1', V1));
    assert.equal(a, openApiHash(openApiDocument('v1', V1)));
    assert.match(a, /^[0-9A-F]{128}$/);
    assert.notEqual(a, openApiHash(openApiDocument('v1', V1.slice(0, 1))));
  });
});

describe('openApiDocument', () => {
  const core = openApiDocument('v1', V1);
  const apps = openApiDocument('apps/v1', APPS);

  it('is plain JSON', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(core)), core);
    assert.equal(core.openapi, '3.0.0');
  });

  it('lets kubectl find fieldValidation on the PATCH of each kind', () => {
    for (const kind of ['Pod', 'Namespace', 'Node', 'ServiceAccount']) {
      assert.ok(supportsFieldValidation(core, { group: '', version: 'v1', kind }), kind);
    }
    assert.ok(supportsFieldValidation(apps, { group: 'apps', version: 'v1', kind: 'Deployment' }));
    assert.ok(!supportsFieldValidation(core, { group: 'apps', version: 'v1', kind: 'Deployment' }));
  });

  it('serves the collection, item and subresource paths', () => {
    const paths = obj(core.paths);
    const item = obj(paths['/api/v1/namespaces/{namespace}/pods/{name}']);
    for (const verb of ['get', 'put', 'patch', 'delete']) assert.ok(item[verb], verb);
    const collection = obj(paths['/api/v1/namespaces/{namespace}/pods']);
    assert.ok(collection.get && collection.post);
    assert.ok(paths['/api/v1/pods'], 'all-namespaces list');
    assert.ok(obj(paths['/api/v1/namespaces/{name}']).patch, 'cluster-scoped item');
    assert.ok(obj(paths['/api/v1/namespaces/{namespace}/pods/{name}/status']).patch);
    assert.ok(obj(paths['/api/v1/namespaces/{namespace}/pods/{name}/binding']).post);
    assert.ok(obj(paths['/api/v1/namespaces/{namespace}/pods/{name}/log']).get);
    const params = obj(item.patch).parameters;
    assert.ok(Array.isArray(params));
    const names = params.map((p) => obj(p).name);
    for (const p of ['fieldValidation', 'fieldManager', 'dryRun', 'force']) assert.ok(names.includes(p), p);
    assert.deepEqual(obj(item.patch)['x-kubernetes-group-version-kind'], { group: '', kind: 'Pod', version: 'v1' });
    const scale = obj(obj(apps.paths)['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']);
    assert.deepEqual(obj(scale.patch)['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  });

  it('tags top-level schemas with their GVK list', () => {
    const schemas = obj(obj(core.components).schemas);
    assert.deepEqual(obj(schemas['io.k8s.api.core.v1.Pod'])['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
    assert.ok(obj(obj(apps.components).schemas)['io.k8s.api.autoscaling.v1.Scale'], 'scale schema for the scale subresource');
    assert.equal(schemas['io.k8s.api.apps.v1.Deployment'], undefined, 'only reachable schemas');
  });

  it('resolves every $ref', () => {
    for (const doc of [core, apps]) {
      const schemas = obj(obj(doc.components).schemas);
      const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
      for (const r of refs) assert.ok(schemas[JSON.parse(r).replace('#/components/schemas/', '')], r);
    }
  });

  const merge: [string, string[], string, string][] = [
    ['io.k8s.api.core.v1.Pod', ['spec', 'containers'], 'name', 'merge'],
    ['io.k8s.api.core.v1.Pod', ['spec', 'initContainers'], 'name', 'merge'],
    ['io.k8s.api.core.v1.Pod', ['spec', 'containers', 'env'], 'name', 'merge'],
    ['io.k8s.api.core.v1.Pod', ['spec', 'containers', 'ports'], 'containerPort', 'merge'],
    ['io.k8s.api.core.v1.Pod', ['spec', 'containers', 'volumeMounts'], 'mountPath', 'merge'],
    ['io.k8s.api.core.v1.Pod', ['spec', 'volumes'], 'name', 'merge,retainKeys'],
    ['io.k8s.api.core.v1.Pod', ['spec', 'imagePullSecrets'], 'name', 'merge'],
    ['io.k8s.api.core.v1.Pod', ['status', 'conditions'], 'type', 'merge'],
    ['io.k8s.api.core.v1.Pod', ['metadata', 'ownerReferences'], 'uid', 'merge'],
    ['io.k8s.api.core.v1.Node', ['status', 'conditions'], 'type', 'merge'],
  ];
  for (const [root, path, key, strategy] of merge) {
    it(`${root.split('.').pop()}.${path.join('.')} merges by ${key}`, () => {
      const p = lookup(core, root, path);
      assert.equal(p['x-kubernetes-patch-merge-key'], key);
      assert.equal(p['x-kubernetes-patch-strategy'], strategy);
    });
  }
  it('deployment template containers merge by name', () => {
    const p = lookup(apps, 'io.k8s.api.apps.v1.Deployment', ['spec', 'template', 'spec', 'containers']);
    assert.equal(p['x-kubernetes-patch-merge-key'], 'name');
  });
  it('tolerations and command are replaced whole', () => {
    assert.equal(lookup(core, 'io.k8s.api.core.v1.Pod', ['spec', 'tolerations'])['x-kubernetes-patch-strategy'], undefined);
    assert.equal(lookup(core, 'io.k8s.api.core.v1.Pod', ['spec', 'containers', 'command'])['x-kubernetes-patch-strategy'], undefined);
  });
  it('finalizers merge as a set', () => {
    assert.equal(lookup(core, 'io.k8s.api.core.v1.Pod', ['metadata', 'finalizers'])['x-kubernetes-patch-strategy'], 'merge');
  });

  const explain: [string[], string][] = [
    [['spec', 'containers'], '[]Container'],
    [['metadata'], 'ObjectMeta'],
    [['metadata', 'creationTimestamp'], 'string'],
    [['metadata', 'labels'], 'map[string]string'],
    [['spec', 'containers', 'resources', 'limits'], 'map[string]Quantity'],
    [['spec', 'containers', 'livenessProbe', 'httpGet', 'port'], 'IntOrString'],
    [['spec', 'containers', 'stdin'], 'boolean'],
    [['spec', 'containers', 'ports', 'containerPort'], 'integer'],
    [['spec', 'volumes', 'hostPath', 'path'], 'string'],
  ];
  for (const [path, want] of explain) {
    it(`explain pod.${path.join('.')} shows <${want}> with a description`, () => {
      const p = lookup(core, 'io.k8s.api.core.v1.Pod', path);
      assert.equal(typeGuess(core, p), want);
      assert.ok(typeof p.description === 'string' && p.description.length > 0);
    });
  }
  it('marks required fields', () => {
    const container = obj(obj(obj(core.components).schemas)['io.k8s.api.core.v1.Container']);
    assert.deepEqual(container.required, ['name']);
  });
});
