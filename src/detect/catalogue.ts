/**
 * The built-in catalogue of AI coding tools and the marks they leave on commits and pull requests.
 *
 * Every entry names where its convention was seen (`source`) and how strong that source is
 * (`confidence`): `documented` when the vendor's own docs or source code state the convention,
 * `observed` when it is only seen in public commits, pull requests or third-party tooling.
 *
 * The data lives in `tools/` (the entries, the accounts and trailer keys); this module holds the
 * lookups over it. Pure data and pure functions: no I/O.
 */
import type { AiTool } from './tools/marks.js';
import { ASSISTANT_TOOLS } from './tools/assistants.js';
import { AGENT_TOOLS } from './tools/agents.js';

export type { AiTool } from './tools/marks.js';
export { AI_TRAILER_KEYS, NON_AI_BOTS } from './tools/accounts.js';

/** Every tool, in the order lookups try them. */
export const AI_TOOLS: readonly AiTool[] = [...ASSISTANT_TOOLS, ...AGENT_TOOLS];

const DENYING_VALUES: ReadonlySet<string> = new Set(['', 'none', 'no', 'false', 'n/a', '0', 'off']);

/**
 * Whether an AI trailer's value affirms assistance. Only the known denials (none, no, false, n/a,
 * 0, off, empty; trimmed, case-insensitive) are negative: anything else, including values never
 * seen before, counts as assistance.
 */
export function isAffirmativeTrailerValue(value: string): boolean {
  return !DENYING_VALUES.has(value.trim().toLowerCase());
}

/** The tool whose identity patterns match `Name <email>`, if any. */
export function toolForIdentity(name: string, email: string): AiTool | undefined {
  const rendered = `${name.trim()} <${email.trim()}>`;
  return AI_TOOLS.find((tool) => tool.identities.some((re) => re.test(rendered)));
}

/** Affirmative values that name no tool (`AI-assisted: yes`). */
const BARE_AFFIRMATIONS: ReadonlySet<string> = new Set(['yes', 'y', 'true', 'on', '1']);

/** `AGENT:MODEL [TOOLS]` (Linux kernel): the agent, up to the first colon with no space after it. */
const AGENT_MODEL = /^([^\s:<>][^:<>]{0,59}):(?!\/\/)(?=\S)/;

/** Whether `value` starts with `name`, case-insensitively, followed by no letter or digit. */
function startsWithName(value: string, name: string): boolean {
  if (value.length < name.length) return false;
  if (value.slice(0, name.length).toLowerCase() !== name.toLowerCase()) return false;
  return !/^[\p{L}\p{N}]/u.test(value.slice(name.length));
}

/**
 * The tool an AI trailer's value (`Assisted-by:`, `Generated-by:` …) names, for the evidence:
 * - a catalogue tool's name or alias at the start: `GitHub Copilot`, `Claude Code:opus-4`,
 *   `Cursor/claude-4-sonnet` give the catalogue's name;
 * - `Name <email>`: the catalogue tool of that identity, or none (a person's address);
 * - the kernel's `AGENT:MODEL [TOOLS]`: the agent as written (`Claude:claude-opus-4 coccinelle`
 *   gives `Claude`);
 * - anything else: the value as written (`ChatGPT 5.2`), which may be a person's name (curl credits
 *   people with `Assisted-by:`); a bare `yes` names nothing.
 */
export function toolForTrailerValue(value: string): string | undefined {
  const v = value.trim();
  if (v === '' || BARE_AFFIRMATIONS.has(v.toLowerCase())) return undefined;
  for (const tool of AI_TOOLS) {
    for (const name of [tool.name, ...(tool.aliases ?? [])]) {
      if (startsWithName(v, name)) return tool.name;
    }
  }
  const open = v.lastIndexOf('<');
  if (open !== -1 && v.endsWith('>')) {
    return toolForIdentity(v.slice(0, open), v.slice(open + 1, -1))?.name;
  }
  const agent = AGENT_MODEL.exec(v);
  if (agent) return agent[1]!.trim();
  return v;
}

/** The tool that authors PRs or commits under this GitHub login (case-insensitive, REST form). */
export function toolForLogin(login: string): AiTool | undefined {
  const wanted = login.trim().toLowerCase();
  if (wanted === '') return undefined;
  return AI_TOOLS.find((tool) => tool.authorLogins.includes(wanted));
}

/**
 * The first line (in text order) that carries a tool's body marker, and that tool. The line is
 * returned trimmed, without its line break.
 */
export function toolForBody(text: string): { tool: AiTool; line: string } | undefined {
  let best: { tool: AiTool; index: number } | undefined;
  for (const tool of AI_TOOLS) {
    for (const re of tool.bodyMarkers) {
      const match = re.exec(text);
      if (match && (best === undefined || match.index < best.index)) {
        best = { tool, index: match.index };
      }
    }
  }
  if (best === undefined) return undefined;
  const start = text.lastIndexOf('\n', best.index - 1) + 1;
  const newline = text.indexOf('\n', best.index);
  const end = newline === -1 ? text.length : newline;
  return { tool: best.tool, line: text.slice(start, end).trim() };
}

/** The tool whose branch prefix starts this head branch (`refs/heads/` is ignored), if any. */
export function toolForBranch(branch: string): AiTool | undefined {
  const name = branch
    .trim()
    .replace(/^refs\/heads\//, '')
    .toLowerCase();
  return AI_TOOLS.find((tool) =>
    tool.branchPrefixes.some((prefix) => name.length > prefix.length && name.startsWith(prefix)),
  );
}

/**
 * Whether a reviewer login belongs to an AI tool, so that its reviews never count as approvals.
 * True for the tools' review bots and for their authoring accounts. The GraphQL form of an app
 * login (without `[bot]`) is accepted too: treating a look-alike as a bot only withholds an
 * approval, it never grants one.
 */
export function isAiReviewBot(login: string): boolean {
  const wanted = login.trim().toLowerCase();
  if (wanted === '') return false;
  const candidates = wanted.endsWith('[bot]') ? [wanted] : [wanted, `${wanted}[bot]`];
  return AI_TOOLS.some((tool) =>
    candidates.some(
      (candidate) => tool.reviewLogins.includes(candidate) || tool.authorLogins.includes(candidate),
    ),
  );
}
