// The first script of the results view, with no imports of its own: it
// starts fetching and compiling the wasm core while the browser is still
// loading results.js and the modules it imports, instead of after them.
// results.js takes the compiled module from here (see `wasmModule`).
const url = new URL('../pkg/tmlookup_bg.wasm', import.meta.url);

globalThis.tmlookupWasm = typeof WebAssembly.compileStreaming === 'function'
  ? WebAssembly.compileStreaming(fetch(url))
  : fetch(url).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b));
// A failure here is not final: results.js then loads the core the usual way.
globalThis.tmlookupWasm.catch(() => {});
