/**
 * The audit store's SQLite schema. `application_id` marks the file as this store (ASCII "AIGv");
 * `user_version` is the schema version: a store of a higher version is refused, never rewritten.
 */
export const STORE_APPLICATION_ID = 0x41494776;
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE pull_requests (
  repository TEXT NOT NULL,
  number INTEGER NOT NULL,
  merged_at TEXT NOT NULL,
  facts TEXT NOT NULL,
  PRIMARY KEY (repository, number)
);
CREATE INDEX pull_requests_merged_at ON pull_requests (julianday(merged_at));
CREATE TABLE policy_histories (
  repository TEXT NOT NULL,
  path TEXT NOT NULL,
  history TEXT NOT NULL,
  PRIMARY KEY (repository, path)
);
CREATE TABLE records (
  policy_key TEXT NOT NULL,
  repository TEXT NOT NULL,
  number INTEGER NOT NULL,
  merged_at TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (policy_key, repository, number)
);
CREATE TABLE progress (
  repository TEXT PRIMARY KEY,
  covered_since TEXT,
  covered_until TEXT,
  pending_since TEXT,
  pending_until TEXT,
  pending_cursor TEXT
);
`;
