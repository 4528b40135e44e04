/** The loopback fake of the GitHub API: its state, server, webhooks and generated data. */
export * from './model.js';
export * from './state.js';
export * from './server.js';
export * from './webhooks.js';
export * from './deliveries.js';
export * from './installations.js';
export * from './generate.js';
export { GITHUB_HOSTS, type Hosts } from './shapes.js';
export { BLOB_TEXT_LIMIT } from './schema.js';
