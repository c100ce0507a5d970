// @ts-check
/**
 * The rooms of ../shared/DESIGN.md, enforced: which folders a file may import
 * from, and whether it may import Electron or Node's built-in modules. Modelled
 * on VS Code's local/code-layering rule; the message says why an import is refused.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Room name → where it lives, which rooms it may import, and what else it may reach. */
const ROOMS = {
  shared: { dir: 'shared', may: ['shared'], electron: false, node: false, why: 'shared/ runs in the renderer too, so it stays plain TypeScript' },
  renderer: { dir: 'renderer', may: ['renderer', 'shared'], electron: false, node: false, why: 'the renderer is sandboxed web code that talks only to window.hearth' },
  preload: { dir: 'main/preload', may: ['preload', 'shared'], electron: true, node: false, why: 'the sandboxed preload only bridges the contract' },
  core: { dir: 'main/core', may: ['core', 'shared'], electron: false, node: true, why: 'the core runs in plain Node (worker, CLI, browser host) and never imports electron' },
  host: { dir: 'main/host', may: ['host', 'core', 'shared'], electron: false, node: true, why: 'the browser host runs without Electron' },
  cli: { dir: 'main/cli', may: ['cli', 'core', 'shared'], electron: false, node: true, why: 'the CLI runs without Electron' },
  app: { dir: 'main/app', may: ['app', 'core', 'shared'], electron: true, node: true, why: 'the Electron shell wires the core to Electron' },
  relay: { dir: 'relay', may: ['relay', 'shared'], electron: false, node: true, why: 'the relay is a server and shares only the wire format with clients' },
  test: { dir: 'test', may: ['*'], electron: true, node: true, why: '' },
  bench: { dir: 'bench', may: ['*'], electron: false, node: true, why: '' },
  scripts: { dir: 'scripts', may: ['*'], electron: false, node: true, why: '' },
};

/** @param {string} file */
function roomOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  let best = null;
  for (const [name, room] of Object.entries(ROOMS)) {
    if ((rel === room.dir || rel.startsWith(room.dir + '/')) && (!best || room.dir.length > ROOMS[best].dir.length)) best = name;
  }
  return best;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import walls between Hearth\'s rooms (DESIGN.md).' },
    schema: [],
  },
  create(context) {
    const from = roomOf(context.filename);
    if (!from) return {};
    const room = ROOMS[from];

    /** @param {import('estree').Node} node @param {unknown} source */
    function check(node, source) {
      if (typeof source !== 'string') return;
      if (source === 'electron' || source.startsWith('electron/')) {
        if (!room.electron) context.report({ node, message: `${room.dir}/ must not import 'electron': ${room.why}.` });
        return;
      }
      if (NODE_BUILTINS.has(source) || NODE_BUILTINS.has(source.split('/')[0] ?? '')) {
        if (!room.node) context.report({ node, message: `${room.dir}/ must not import Node's '${source}': ${room.why}.` });
        return;
      }
      if (!source.startsWith('.')) return;
      const target = roomOf(path.resolve(path.dirname(context.filename), source));
      if (!target) return;
      if (target === 'test' || target === 'bench') {
        if (from !== target && from !== 'test' && from !== 'bench') context.report({ node, message: `Nothing outside ${ROOMS[target].dir}/ may import from it.` });
        return;
      }
      if (room.may.includes('*') || room.may.includes(target)) return;
      context.report({ node, message: `${room.dir}/ must not import from ${ROOMS[target].dir}/: ${room.why}.` });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value);
        }
      },
    };
  },
};

export default { rules: { layering: rule } };
