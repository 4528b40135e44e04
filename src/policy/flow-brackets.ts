/**
 * Finds a flow list or mapping (`[a, b]`, `{ k: v }`) that is opened and never closed. The YAML
 * parser reports such a slip where it gives up, often a line later and as an indentation
 * problem; the opening bracket is what the writer needs to see.
 */

export interface OpenBracket {
  /** Offset of the `[` or `{` in the text. */
  offset: number;
  char: '[' | '{';
}

const CLOSER = { '[': ']', '{': '}' } as const;

/**
 * The outermost bracket left open (or closed by the wrong bracket), or null when every flow
 * collection is closed. Quoted text and comments are skipped; in block context a bracket counts
 * only where a value starts (after `key: `, `- ` or at the start of a line), as YAML reads it.
 */
export function unclosedFlow(text: string): OpenBracket | null {
  const stack: OpenBracket[] = [];
  let i = 0;
  const valueStart = (at: number): boolean => {
    let j = at - 1;
    while (j >= 0 && text[j] === ' ') j--;
    if (j < 0 || text[j] === '\n') return true;
    if (text[j] === '-' || text[j] === '?') return j === 0 || /[\s]/.test(text[j - 1]!);
    return text[j] === ':' && j + 1 < at; // `key: [` needs the space after the colon
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const quoteOk = stack.length > 0 ? true : valueStart(i);
    if ((c === '"' || c === "'") && quoteOk) {
      i++;
      while (i < text.length) {
        if (c === '"' && text[i] === '\\') i += 2;
        else if (text[i] === c && c === "'" && text[i + 1] === "'") i += 2;
        else if (text[i] === c) break;
        else i++;
      }
      i++;
      continue;
    }
    if ((c === '[' || c === '{') && (stack.length > 0 || valueStart(i))) {
      stack.push({ offset: i, char: c });
    } else if ((c === ']' || c === '}') && stack.length > 0) {
      const open = stack.pop()!;
      if (CLOSER[open.char] !== c) return stack[0] ?? open;
    }
    i++;
  }
  return stack[0] ?? null;
}
