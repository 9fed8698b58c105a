import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roomCycles, roomEdges, roomOf, type ModuleGraph } from './check-imports.js';

/** A module graph from `from → to` pairs of repository paths. */
function graph(...imports: (readonly [string, string])[]): ModuleGraph {
  const modules = new Map<string, { source: string; dependencies: { resolved: string }[] }>();
  for (const [from, to] of imports) {
    const module = modules.get(from) ?? { source: from, dependencies: [] };
    module.dependencies.push({ resolved: to });
    modules.set(from, module);
  }
  return { modules: [...modules.values()] };
}

const roomsIn = (cycles: ReturnType<typeof roomCycles>): string[][] => cycles.map((cycle) => [...new Set(cycle.map((edge) => edge.from))].sort());

describe('roomOf', () => {
  it('makes each folder under engine/ a room and every other top-level folder one room', () => {
    assert.equal(roomOf('engine/edge/peer-table.ts'), 'engine/edge');
    assert.equal(roomOf('engine/crypto/transforms/aes.ts'), 'engine/crypto');
    assert.equal(roomOf('engine/result.ts'), 'engine');
    assert.equal(roomOf('supernode/handlers/dispatch.ts'), 'supernode');
    assert.equal(roomOf('renderer/src/client/bridge.ts'), 'renderer');
  });

  it('leaves out what is not a room', () => {
    assert.equal(roomOf('node_modules/electron/index.js'), undefined);
    assert.equal(roomOf('playwright.config.ts'), undefined);
  });
});

describe('roomCycles', () => {
  it('finds none when the rooms import in one direction', () => {
    const edges = roomEdges(
      graph(['supernode/main.ts', 'engine/cli/daemon-cli.ts'], ['engine/cli/daemon-cli.ts', 'engine/config/load.ts'], ['supernode/main.ts', 'engine/config/load.ts'], ['engine/config/load.ts', 'engine/result.ts']),
    );
    assert.deepEqual(roomCycles(edges), []);
  });

  it('ignores imports inside one room, subfolders included', () => {
    const edges = roomEdges(graph(['engine/crypto/transform.ts', 'engine/crypto/transforms/index.ts'], ['engine/crypto/transforms/index.ts', 'engine/crypto/transform.ts']));
    assert.deepEqual(edges, []);
  });

  it('finds two rooms importing each other, with an import for each direction', () => {
    const cycles = roomCycles(roomEdges(graph(['electron/ipc-schema.ts', 'renderer/src/client/bridge.ts'], ['renderer/vite.config.ts', 'electron/security-policy.ts'])));
    assert.deepEqual(roomsIn(cycles), [['electron', 'renderer']]);
    assert.deepEqual(cycles[0]?.map((edge) => edge.example).sort(), ['electron/ipc-schema.ts → renderer/src/client/bridge.ts', 'renderer/vite.config.ts → electron/security-policy.ts']);
  });

  it('finds a longer cycle that passes through a subfolder', () => {
    const cycles = roomCycles(
      roomEdges(graph(['engine/edge/edge.ts', 'engine/crypto/timestamp.ts'], ['engine/crypto/transforms/null.ts', 'engine/mgmt/index.ts'], ['engine/mgmt/index.ts', 'engine/edge/views.ts'], ['engine/edge/edge.ts', 'engine/result.ts'])),
    );
    assert.deepEqual(roomsIn(cycles), [['engine/crypto', 'engine/edge', 'engine/mgmt']]);
  });

  it('reports separate knots separately', () => {
    const cycles = roomCycles(roomEdges(graph(['bench/a.ts', 'e2e/b.ts'], ['e2e/b.ts', 'bench/a.ts'], ['desktop/c.ts', 'scripts/d.ts'], ['scripts/d.ts', 'desktop/c.ts'], ['desktop/c.ts', 'bench/a.ts'])));
    assert.deepEqual(roomsIn(cycles).sort(), [
      ['bench', 'e2e'],
      ['desktop', 'scripts'],
    ]);
  });
});
