// A logger for tests: silent, unless KITH_TEST_LOG is set to see what the daemon under test says.
import { Logger } from '../log.js';

export const quietLogger = (): Logger => new Logger(0, { write: () => undefined });

export const testLogger = (): Logger => (process.env.KITH_TEST_LOG === undefined ? quietLogger() : new Logger(4));
