// Activation must stay light: the extension bundle's top level (what activate() pulls in) must not load
// sql.js or read the store. Measured by loading dist/extension.js with a stub 'vscode' and checking what
// was required and how long activate() took, against a baseline of requiring an empty module.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function benchActivation(log: (line: string) => void): Promise<void> {
  const bundle = join(__dirname, '../../dist/extension.js');
  if (!existsSync(bundle)) throw new Error('dist/extension.js is missing: run npm run build first');
  const stubDir = mkdtempSync(join(tmpdir(), 'mlops-vscode-stub-'));
  writeFileSync(join(stubDir, 'empty.js'), 'module.exports = {};');
  // A permissive stand-in for the vscode API: every property is a function returning another stand-in.
  const stub: unknown = new Proxy(function () {}, {
    get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : stub),
    set: () => true,
    apply: () => stub,
    construct: () => stub as object,
  });
  const resolve = (Module as unknown as { _resolveFilename: (r: string, ...a: unknown[]) => string })._resolveFilename;
  (Module as unknown as { _resolveFilename: (r: string, ...a: unknown[]) => string })._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  // esbuild's interop copies the module's own properties: give the stub every name the bundle uses.
  const names = new Set([...readFileSync(bundle, 'utf8').matchAll(/\bvscode\d*\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  const api = Object.fromEntries([...names].map((n) => [n, stub]));
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: api } as unknown as NodeJS.Module;

  // sql.js is bundled into extension.js: what would show that it was loaded is a WebAssembly instantiation.
  let instantiations = 0;
  const wasm = WebAssembly as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const k of ['instantiate', 'instantiateStreaming', 'compile', 'compileStreaming']) {
    const orig = wasm[k];
    if (typeof orig === 'function') wasm[k] = (...a: unknown[]) => { instantiations++; return orig.apply(WebAssembly, a); };
  }
  const load = createRequire(__filename);
  let t0 = performance.now();
  load(join(stubDir, 'empty.js'));
  const base = performance.now() - t0;
  t0 = performance.now();
  const ext = load(bundle) as { activate: (ctx: unknown) => unknown };
  const loaded = performance.now() - t0;
  t0 = performance.now();
  ext.activate({ subscriptions: [], workspaceState: { get: () => undefined, update: async () => undefined }, extensionUri: stub });
  const activated = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 200)); // anything activate() started asynchronously
  log(`activation: load the bundle ${loaded.toFixed(0)} ms, activate() ${activated.toFixed(1)} ms (ratio to requiring an empty module: ${((loaded + activated) / Math.max(base, 0.01)).toFixed(0)}x); WebAssembly (sql.js) instantiated during activation: ${instantiations}`);
  if (instantiations > 0) throw new Error('activation loaded sql.js');
}
