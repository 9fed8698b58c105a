// The settings of a network this computer creates by itself: encrypted from the start (ChaCha20,
// header encryption, a random key) under a random community name people can read aloud, hosted by
// this computer's own supernode. Nothing here ever makes an unencrypted network.
import { randomBytes, randomInt } from 'node:crypto';
import { DEFAULT_SUPERNODE_PORT } from '../protocol/constants.js';
import { defaultSettings } from '../../shared/config/settings-form.js';
import type { NetworkSettings } from './api.js';

/** Where a hosted network's edge finds the supernode running in the same process. */
export const HOSTED_SUPERNODE_HOST = '127.0.0.1';

// Short, plain, unambiguous words: `adjective-noun-NN` stays within the 19-byte community name.
const ADJECTIVES = [
  'amber', 'brave', 'calm', 'clear', 'coral', 'crisp', 'early', 'fair', 'fresh', 'gentle', 'glad', 'golden', 'green', 'happy', 'honey', 'jolly',
  'keen', 'kind', 'late', 'lemon', 'light', 'lively', 'lucky', 'merry', 'mild', 'misty', 'neat', 'noble', 'olive', 'plain', 'proud', 'quick',
  'quiet', 'rapid', 'ready', 'rosy', 'royal', 'sandy', 'sharp', 'shiny', 'silver', 'simple', 'sleek', 'smart', 'snowy', 'solid', 'sunny', 'sweet',
  'swift', 'tidy', 'true', 'vivid', 'warm', 'wild', 'windy', 'wise', 'young', 'zesty', 'bold', 'bright', 'cosy', 'eager', 'grand', 'witty',
] as const;
const NOUNS = [
  'apple', 'badger', 'birch', 'brook', 'cedar', 'cherry', 'cloud', 'comet', 'crane', 'daisy', 'dove', 'eagle', 'fern', 'finch', 'fox', 'garden',
  'hazel', 'heron', 'hill', 'island', 'lake', 'lark', 'maple', 'meadow', 'moon', 'moss', 'oak', 'orchid', 'otter', 'owl', 'panda', 'pear',
  'pebble', 'pine', 'plum', 'pond', 'poppy', 'rabbit', 'raven', 'reed', 'river', 'robin', 'rose', 'sparrow', 'spruce', 'star', 'stone', 'swan',
  'thistle', 'tiger', 'tulip', 'valley', 'violet', 'walnut', 'willow', 'wren', 'harbor', 'field', 'forest', 'shore', 'acorn', 'clover', 'ember', 'lily',
] as const;

/** E.g. `sunny-otter-42`: 1 of 409 600, never more than 19 bytes. */
export function readableCommunityName(pick: (count: number) => number = randomInt): string {
  const adjective = ADJECTIVES[pick(ADJECTIVES.length)] ?? 'calm';
  const noun = NOUNS[pick(NOUNS.length)] ?? 'otter';
  return `${adjective}-${noun}-${String(pick(100)).padStart(2, '0')}`;
}

/** 192 random bits, in characters n3n's INI dialect and an invite link carry unchanged. */
export function randomNetworkKey(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * A new network hosted here: random name and key, ChaCha20 (which user/password login also needs,
 * CRYPTO.md §5.3), header encryption on, the supernode in this process, addresses it assigns.
 */
export function newHostedNetwork(description: string): NetworkSettings {
  return {
    ...defaultSettings(),
    community: readableCommunityName(),
    key: randomNetworkKey(),
    cipher: 'ChaCha20',
    compression: 'none',
    headerEncryption: true,
    supernodes: [`${HOSTED_SUPERNODE_HOST}:${DEFAULT_SUPERNODE_PORT}`],
    addressMode: 'auto',
    address: '',
    description,
  };
}
