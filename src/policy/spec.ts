/**
 * The shape of the policy file, as data. The validator walks this tree, and a test walks it side
 * by side with policies/ai-governance.schema.json so that editors and the app agree on every key,
 * type, bound and default.
 */
import { MAX_APPROVALS, MAX_GLOB_LENGTH, MAX_LABEL_LENGTH, MAX_NAME_LENGTH } from './limits.js';

/**
 * How a string is checked and normalised:
 * - `team`: `slug`, `org/slug` or `@org/slug`, normalised to the lower-case slug;
 * - `user`: a GitHub login, an optional leading `@` removed;
 * - `actor`: a login that may end in `[bot]` (detection lists only);
 * - `path-glob`: a repository path glob (see globs.ts);
 * - `identity-glob`: a glob on `Name <email>`;
 * - `trailer`: a commit trailer key such as `Assisted-by`;
 * - `label`: a GitHub label name;
 * - `name`: a one-line rule name;
 * - `text`: a one-line piece of text;
 * - `enum`: one of the words in `enum`.
 */
export type StringFormat =
  | 'team'
  | 'user'
  | 'actor'
  | 'path-glob'
  | 'identity-glob'
  | 'trailer'
  | 'label'
  | 'name'
  | 'text'
  | 'enum';

interface Common {
  /** `null` is accepted and kept. */
  nullable?: boolean;
  /** Used when the key is absent. Objects without one get their children's defaults. */
  default?: unknown;
  /** The default depends on the rest of the policy: an absent key stays undefined here. */
  computed?: boolean;
}

export interface ObjectSpec extends Common {
  type: 'object';
  properties: Record<string, FieldSpec>;
  required?: readonly string[];
  /** Of these list-valued keys, at least one must be non-empty. */
  atLeastOne?: readonly string[];
}

export interface ArraySpec extends Common {
  type: 'array';
  items: FieldSpec;
  minItems?: number;
  /** For lists of mappings: this key's value must be unique across items. */
  uniqueBy?: string;
}

export interface StringSpec extends Common {
  type: 'string';
  format: StringFormat;
  maxLength: number;
  /** A JavaScript and JSON Schema compatible regular expression the raw text must match. */
  pattern: string;
  /** For `enum`: the words allowed, also written as the schema's `enum`. */
  enum?: readonly string[];
}

export interface IntegerSpec extends Common {
  type: 'integer';
  minimum: number;
  maximum: number;
}

export interface BooleanSpec extends Common {
  type: 'boolean';
}

export type FieldSpec = ObjectSpec | ArraySpec | StringSpec | IntegerSpec | BooleanSpec;

// Raw text patterns (before normalisation). Logins: letters, digits and hyphens, up to 39.
const LOGIN = '[A-Za-z0-9][A-Za-z0-9-]{0,38}';
export const PATTERNS = {
  team: `^@?(?:${LOGIN}/)?[A-Za-z0-9][A-Za-z0-9_.-]*$`,
  user: `^@?${LOGIN}$`,
  actor: `^@?${LOGIN}(?:\\[bot\\])?$`,
  trailer: '^[A-Za-z0-9][A-Za-z0-9-]*$',
  /** Not blank. */
  text: '\\S',
  /** One line, not blank, no spaces at either end. */
  line: '^\\S(?:[^\\r\\n]*\\S)?$',
} as const;

const DEFAULT_IGNORE_AUTHORS = [
  'dependabot[bot]',
  'renovate[bot]',
  'github-actions[bot]',
  'pre-commit-ci[bot]',
];

const str = (format: StringFormat, maxLength: number, pattern: string): StringSpec => ({
  type: 'string',
  format,
  maxLength,
  pattern,
});

const list = (items: FieldSpec, extra: Partial<ArraySpec> = {}): ArraySpec => ({
  type: 'array',
  items,
  default: [],
  ...extra,
});

/** One of a few words: the pattern and the schema's `enum` both say which. */
const oneOf = (words: readonly string[], dflt: string): StringSpec => ({
  type: 'string',
  format: 'enum',
  maxLength: Math.max(...words.map((w) => w.length)),
  pattern: `^(?:${words.join('|')})$`,
  enum: words,
  default: dflt,
});

/** `enforce` holds pull requests; `evaluate` reports what it would hold and holds nothing. */
export const ENFORCEMENT_MODES = ['evaluate', 'enforce'] as const;

const team = str('team', 140, PATTERNS.team);
const user = str('user', 40, PATTERNS.user);
const actor = str('actor', 45, PATTERNS.actor);
const label = str('label', MAX_LABEL_LENGTH, PATTERNS.line);
const pathGlob = str('path-glob', MAX_GLOB_LENGTH, PATTERNS.text);

const approvals = (minimum: number, dflt: number): IntegerSpec => ({
  type: 'integer',
  minimum,
  maximum: MAX_APPROVALS,
  default: dflt,
});

/** A `true`/`false` setting with its default. */
const flag = (dflt: boolean): BooleanSpec => ({ type: 'boolean', default: dflt });

const reviewers = (atLeastOne: boolean): ObjectSpec => ({
  type: 'object',
  properties: { teams: list(team), users: list(user) },
  ...(atLeastOne ? { atLeastOne: ['teams', 'users'] } : {}),
});

export const POLICY_SPEC: ObjectSpec = {
  type: 'object',
  required: ['version'],
  properties: {
    version: { type: 'integer', minimum: 1, maximum: 1 },
    _extends: str('text', 200, PATTERNS.line),
    enforcement: oneOf(ENFORCEMENT_MODES, 'enforce'),
    detection: {
      type: 'object',
      properties: {
        builtin: flag(true),
        trailers: list(str('trailer', MAX_NAME_LENGTH, PATTERNS.trailer)),
        co_authors: list(str('identity-glob', MAX_GLOB_LENGTH, PATTERNS.text)),
        labels: list(label),
        authors: list(actor),
        ignore_authors: list(actor, { default: DEFAULT_IGNORE_AUTHORS }),
        body_markers: list(str('text', 200, PATTERNS.text)),
      },
    },
    critical_paths: list(
      {
        type: 'object',
        required: ['name', 'paths', 'reviewers'],
        properties: {
          name: str('name', MAX_NAME_LENGTH, PATTERNS.line),
          paths: { type: 'array', items: pathGlob, minItems: 1 },
          exclude: list(pathGlob),
          approvals: approvals(1, 1),
          reviewers: reviewers(true),
          floor: flag(false),
        },
      },
      { uniqueBy: 'name' },
    ),
    ai_default: {
      type: 'object',
      properties: { approvals: approvals(0, 0), reviewers: reviewers(false) },
    },
    apply_to_human_prs: flag(false),
    approval: {
      type: 'object',
      properties: {
        latest_push_only: flag(true),
        changes_requested_blocks: flag(true),
        allow_contributors: flag(false),
      },
    },
    override: {
      type: 'object',
      nullable: true,
      default: null,
      required: ['label'],
      atLeastOne: ['teams', 'users'],
      properties: { label, teams: list(team), users: list(user) },
    },
    floor: {
      type: 'object',
      properties: {
        enforcement: flag(false),
        detection: flag(false),
        approval: flag(false),
        override: flag(false),
      },
    },
    policy_file: {
      type: 'object',
      // `reviewers` defaults to the union of every critical rule's reviewers and the override's.
      properties: {
        approvals: approvals(1, 1),
        reviewers: { ...reviewers(false), computed: true },
      },
    },
    actions: {
      type: 'object',
      properties: {
        label: { ...label, nullable: true, default: 'ai-assisted' },
        request_reviews: flag(true),
        comment: flag(true),
        while_evaluating: flag(false),
      },
    },
  },
};
