// Node's built-in modules, imported only on code paths that run under Node (file URLs, the file
// cache). The specifier is a variable so bundlers (Vite, webpack, esbuild) leave these imports out
// of browser builds instead of stubbing them with warnings.
interface NodeModules {
  'node:crypto': typeof import('node:crypto');
  'node:fs/promises': typeof import('node:fs/promises');
  'node:path': typeof import('node:path');
  'node:url': typeof import('node:url');
  'node:zlib': typeof import('node:zlib');
}

export function importNode<K extends keyof NodeModules>(name: K): Promise<NodeModules[K]> {
  const specifier: string = name;
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}
