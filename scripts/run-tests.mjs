#!/usr/bin/env node
// Runs the compiled tests with node's own test runner and spec reporter.
//
//   node scripts/run-tests.mjs unit   # dist/src/**/*.test.js, default concurrency
//   node scripts/run-tests.mjs e2e    # dist/test/e2e/**/*.test.js, one file at a time
//   node scripts/run-tests.mjs all    # unit, then e2e (both always run)
//
// Compiled files whose .ts source no longer exists are skipped (stale dist/).
// Node's summary lines (ℹ tests N, ℹ pass N, ℹ fail N, ...) are printed as-is:
// CI reads them to count tests. Exit code: 0 only if every run passed.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const suites = {
  unit: { dir: 'dist/src', args: [] },
  e2e: { dir: 'dist/test/e2e', args: ['--test-concurrency=1'] },
};

/** Recursively lists `*.test.js` under `dir` (relative to the repo root), sorted. */
function findTests(dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.test.js') && hasSource(p)) out.push(relative(root, p));
    }
  };
  walk(abs);
  return out.sort();
}

/** dist/src/a/b.test.js is current only if src/a/b.test.ts still exists. */
function hasSource(distFile) {
  const rel = relative(join(root, 'dist'), distFile).replace(/\.js$/, '.ts');
  return existsSync(join(root, rel));
}

function runSuite(name) {
  const { dir, args } = suites[name];
  const files = findTests(dir);
  console.log(`\n=== ${name} tests: ${files.length} file(s) under ${dir} ===`);
  if (files.length === 0) {
    console.log(`ℹ no ${name} test files found`);
    return Promise.resolve(0);
  }
  const nodeArgs = ['--test', '--test-reporter=spec', ...args, ...files];
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: root, stdio: 'inherit' });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolvePromise(code ?? (signal ? 1 : 0));
    });
  });
}

const mode = process.argv[2] ?? 'all';
const order = mode === 'all' ? ['unit', 'e2e'] : [mode];
if (!order.every((m) => m in suites)) {
  console.error(`usage: node scripts/run-tests.mjs unit|e2e|all (got ${JSON.stringify(mode)})`);
  process.exit(2);
}
let failed = [];
for (const m of order) {
  const code = await runSuite(m);
  if (code !== 0) failed.push(`${m} (exit ${code})`);
}
if (failed.length > 0) {
  console.error(`\nFAILED: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\nall ${order.join(' + ')} tests passed`);
