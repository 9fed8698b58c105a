// Shared inputs for the fuzz tests of every decoder that reads untrusted bytes: random byte strings
// and mutations of real captured inputs (bit flips, truncation, extension), fed through fast-check.
import fc from 'fast-check';

/**
 * Runs of one fuzz target: `standard`, unless KITH_FUZZ_RUNS gives one count for every target (a
 * quick pass while editing, or a long soak). A malformed value fails the run rather than fuzzing less.
 */
export function fuzzRuns(standard: number): number {
  const override = process.env.KITH_FUZZ_RUNS;
  if (override === undefined || override === '') return standard;
  const runs = Number(override);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError(`KITH_FUZZ_RUNS must be a whole number of runs, at least 1 (got "${override}")`);
  return runs;
}

/** Runs per fuzz target (the protocol core's acceptance asks for at least 100,000). */
export const FUZZ_RUNS = fuzzRuns(100_000);

/** node:test timeout of one fuzz target: a hang fails the test instead of stalling CI. */
export const FUZZ_TIMEOUT_MS = 120_000;

/** Random byte strings up to maxLength; size 'max' makes fast-check use the whole length range. */
export function randomBytes(maxLength: number): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ maxLength, size: 'max' });
}

/** A real input with up to four bit flips, an optional truncation and an optional extension. */
export function mutationsOf(seeds: readonly Uint8Array[], maxExtension = 64): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new RangeError('mutationsOf needs at least one seed');
  return fc
    .record({
      seed: fc.nat({ max: seeds.length - 1 }),
      flips: fc.array(fc.record({ at: fc.nat(), bit: fc.nat({ max: 7 }) }), { maxLength: 4 }),
      keep: fc.option(fc.nat(), { nil: undefined }),
      extra: fc.uint8Array({ maxLength: maxExtension }),
    })
    .map(({ seed, flips, keep, extra }) => {
      const base = Uint8Array.from(seeds[seed] ?? []);
      for (const { at, bit } of flips) if (base.length > 0) base[at % base.length]! ^= 1 << bit;
      const kept = keep === undefined ? base : base.subarray(0, keep % (base.length + 1));
      const out = new Uint8Array(kept.length + extra.length);
      out.set(kept);
      out.set(extra, kept.length);
      return out;
    });
}

/** Half random bytes, half mutated real inputs. */
export function untrustedBytes(seeds: readonly Uint8Array[], maxLength: number, maxExtension = 64): fc.Arbitrary<Uint8Array> {
  return fc.oneof(randomBytes(maxLength), mutationsOf(seeds, maxExtension));
}
