// The import check of `npm run lint`: dependency-cruiser resolves every import of the code that
// runs and validates the per-file rules in .dependency-cruiser.js; this script then folds the
// modules into rooms (docs/ARCHITECTURE.md) and fails on any cycle between rooms.
//
// The fold is done here because dependency-cruiser's folder rules compare exact folders: an import
// into a subfolder (engine/crypto/transforms) does not count as one into its room (engine/crypto),
// so a cycle that passes through a subfolder would go unseen.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, format } from 'dependency-cruiser';
import loadConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every folder holding TypeScript that the check covers. */
export const CHECKED_FOLDERS = ['engine', 'supernode', 'native', 'desktop', 'electron', 'renderer', 'bench', 'e2e', 'scripts'] as const;

/**
 * The room a repository-relative module path belongs to: each folder under engine/ is a room, the
 * files directly in engine/ (result, log, version, rate limits) are the room `engine`, and every
 * other top-level folder is one room. Undefined for what is outside the rooms (node_modules).
 */
export function roomOf(modulePath: string): string | undefined {
  const parts = modulePath.split('/');
  const top = parts[0];
  if (top === undefined || !(CHECKED_FOLDERS as readonly string[]).includes(top)) return undefined;
  if (top === 'engine' && parts.length > 2) return `engine/${parts[1]}`;
  return top;
}

/** One import between two rooms, kept as the first module pair that shows it. */
export interface RoomEdge {
  readonly from: string;
  readonly to: string;
  readonly example: string;
}

/** The part of dependency-cruiser's result the fold reads. */
export interface ModuleGraph {
  readonly modules: readonly { readonly source: string; readonly dependencies: readonly { readonly resolved: string }[] }[];
}

/** The imports between rooms: one edge per ordered pair of rooms, with an example import. */
export function roomEdges(result: ModuleGraph): RoomEdge[] {
  const edges = new Map<string, RoomEdge>();
  for (const module of result.modules) {
    const from = roomOf(module.source);
    if (from === undefined) continue;
    for (const dependency of module.dependencies) {
      const to = roomOf(dependency.resolved);
      if (to === undefined || to === from) continue;
      const key = `${from}\0${to}`;
      if (!edges.has(key)) edges.set(key, { from, to, example: `${module.source} → ${dependency.resolved}` });
    }
  }
  return [...edges.values()];
}

/** The room cycles: each strongly connected set of two or more rooms (Tarjan), with its imports. */
export function roomCycles(edges: readonly RoomEdge[]): RoomEdge[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (room: string): void => {
    index.set(room, index.size);
    lowest.set(room, index.get(room)!);
    stack.push(room);
    onStack.add(room);
    for (const target of next.get(room) ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowest.set(room, Math.min(lowest.get(room)!, lowest.get(target)!));
      } else if (onStack.has(target)) {
        lowest.set(room, Math.min(lowest.get(room)!, index.get(target)!));
      }
    }
    if (lowest.get(room) !== index.get(room)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== room);
    if (component.length > 1) components.push(component);
  };
  for (const room of [...next.keys()].sort()) if (!index.has(room)) visit(room);
  return components.map((component) => edges.filter((edge) => component.includes(edge.from) && component.includes(edge.to)));
}

async function main(): Promise<number> {
  process.chdir(ROOT);
  const ruleSet = await loadConfig('./.dependency-cruiser.js');
  const tsConfigFile = ruleSet.options?.tsConfig?.fileName;
  const reply = await cruise([...CHECKED_FOLDERS], { ...ruleSet.options, ruleSet, validate: true }, {}, tsConfigFile === undefined ? {} : { tsConfig: extractTSConfig(tsConfigFile) });
  if (typeof reply.output === 'string') throw new Error('dependency-cruiser returned a report where a result was expected');
  const rules = await format(reply.output, { outputType: 'err' });
  process.stdout.write(rules.output as string);
  const edges = roomEdges(reply.output);
  const cycles = roomCycles(edges);
  for (const cycle of cycles) {
    console.log(`  error no-room-cycle: ${[...new Set(cycle.map((edge) => edge.from))].join(' ⇄ ')}`);
    for (const edge of cycle) console.log(`      ${edge.from} → ${edge.to}   (${edge.example})`);
  }
  if (cycles.length === 0) console.log(`✔ no cycles between rooms (${new Set(edges.flatMap((edge) => [edge.from, edge.to])).size} rooms, ${edges.length} directions)`);
  return rules.exitCode !== 0 || cycles.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
