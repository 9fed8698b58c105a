// Moved to shared/config/ (browser-safe, for the window as well); re-exported here so the engine's
// importers keep their path.
export * from '../../shared/config/schema.js';
