// Twofish transform (ID 2, CRYPTO.md §2.2): Twofish-256 keyed with pearson256(key), zero-IV CBC
// with a random first block and CS2 ciphertext stealing.

import { createCbcCtsTransform } from '../cbc-cts.js';
import { pearson256 } from '../pearson.js';
import { randomFill } from '../random.js';
import { TransformId } from '../transform.js';
import type { Transform } from '../transform.js';
import { Twofish } from '../twofish.js';

export function createTwofishTransform(key: Uint8Array, fillRandom: typeof randomFill = randomFill): Transform {
  return createCbcCtsTransform(TransformId.Twofish, 'Twofish', new Twofish(pearson256(key)), fillRandom);
}
