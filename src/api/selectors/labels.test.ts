import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { formatLabels, formatLabelSelector, labelSelectorFromLabelSelector, parseLabelSelector } from './labels.js';

test('parseLabelSelector: matching', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };
  const cases: [string, boolean, string][] = [
    ['', true, ''],
    ['   ', true, ''],
    ['app=web', true, 'app=web'],
    ['app==web', true, 'app==web'],
    ['app!=web', false, 'app!=web'],
    ['app=db', false, 'app=db'],
    ['missing!=x', true, 'missing!=x'],
    ['app in (web, db)', true, 'app in (db,web)'],
    ['app notin (web)', false, 'app notin (web)'],
    ['missing notin (web)', true, 'missing notin (web)'],
    ['app', true, 'app'],
    ['!app', false, '!app'],
    ['!missing', true, '!missing'],
    ['tier=front,app=web', true, 'app=web,tier=front'],
    ['tier=front, app=db', false, 'app=db,tier=front'],
    ['n>3', true, 'n>3'],
    ['n<3', false, 'n<3'],
    ['app=', false, 'app='],
    ['x in (in,notin)', false, 'x in (in,notin)'],
    ['example.com/role=a', false, 'example.com/role=a'],
  ];
  for (const [s, want, str] of cases) {
    const sel = parseLabelSelector(s);
    assert.equal(sel.matches(labels), want, s);
    assert.equal(sel.toString(), str, s);
  }
});

test('parseLabelSelector: errors as Kubernetes words them (400 BadRequest)', () => {
  const cases: [string, string | RegExp][] = [
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['===', "found '==', expected: !, identifier, or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['!!', "unable to parse requirement: found '!', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['@=b', /^unable to parse requirement: key: Invalid value: "@": name part must consist/],
    ['a=b c d', "found 'c', expected: ',' or 'end of string'"],
    ['a=@', /^unable to parse requirement: values\[0\]: Invalid value: "@": a valid label must be/],
    ['n>x', /^unable to parse requirement: values\[0\]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer/],
  ];
  for (const [s, want] of cases) {
    let err: unknown;
    try { parseLabelSelector(s); } catch (e) { err = e; }
    assert.ok(err instanceof StatusError, s);
    assert.equal(err.code, 400, s);
    assert.equal(err.reason, 'BadRequest', s);
    if (typeof want === 'string') assert.equal(err.message, want, s);
    else assert.match(err.message, want, s);
  }
});

test('labelSelectorFromLabelSelector', () => {
  const sel = labelSelectorFromLabelSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }, { key: 'legacy', operator: 'DoesNotExist' }, { key: 'env', operator: 'Exists' }],
  });
  assert.equal(sel.toString(), 'app=web,env,!legacy,tier in (back,front)');
  assert.equal(sel.matches({ app: 'web', tier: 'front', env: 'x' }), true);
  assert.equal(sel.matches({ app: 'web', tier: 'front' }), false);
  assert.equal(labelSelectorFromLabelSelector({}).matches({}), true);
  assert.equal(labelSelectorFromLabelSelector(undefined).matches({}), false);
  assert.throws(() => labelSelectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), /"Foo" is not a valid label selector operator/);
  assert.throws(() => labelSelectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), /values set can't be empty/);
});

test('formatLabels / formatLabelSelector', () => {
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { run: 'x' } }), 'run=x');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] }), '<error>');
});
