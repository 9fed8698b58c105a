// The engine's Result lives in shared/ (browser-safe, for the window as well); re-exported here so
// the engine's many importers keep their path.
export * from '../shared/result.js';
