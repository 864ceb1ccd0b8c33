/**
 * Tokenizer for label selector strings, as k8s.io/apimachinery/pkg/labels
 * Lexer: identifiers run until whitespace or a special symbol; operators are
 * matched greedily (`!=`, `==`, `=`, `!`, `(`, `)`, `,`, `>`, `<`); the words
 * `in` and `notin` are keywords.
 */

export type Token =
  | 'Error' | 'EndOfString' | 'ClosedPar' | 'Comma' | 'DoesNotExist' | 'DoubleEquals' | 'Equals'
  | 'GreaterThan' | 'Identifier' | 'In' | 'LessThan' | 'NotEquals' | 'NotIn' | 'OpenPar';

/** One token of a label selector with its literal text. */
export interface ScannedItem {
  tok: Token;
  literal: string;
}

const STRING_TO_TOKEN: Record<string, Token> = {
  ')': 'ClosedPar', ',': 'Comma', '!': 'DoesNotExist', '==': 'DoubleEquals', '=': 'Equals', '>': 'GreaterThan',
  in: 'In', '<': 'LessThan', '!=': 'NotEquals', notin: 'NotIn', '(': 'OpenPar',
};

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return '=!(),><'.includes(ch) && ch !== '';
}

/** Split a selector string into tokens, ending with EndOfString. */
export function lex(s: string): ScannedItem[] {
  const items: ScannedItem[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos]!)) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'EndOfString', literal: '' });
      return items;
    }
    const ch = s[pos]!;
    if (isSpecialSymbol(ch)) {
      let buffer = '';
      let last: ScannedItem | undefined;
      while (pos < s.length && isSpecialSymbol(s[pos]!)) {
        const next = buffer + s[pos]!;
        const tok = STRING_TO_TOKEN[next];
        if (tok) {
          last = { tok, literal: next };
          buffer = next;
          pos++;
        } else if (last) {
          break;
        } else {
          buffer = next;
          pos++;
        }
      }
      items.push(last ?? { tok: 'Error', literal: `error expected: keyword found '${buffer}'` });
      continue;
    }
    const start = pos;
    while (pos < s.length && !isSpecialSymbol(s[pos]!) && !isWhitespace(s[pos]!)) pos++;
    const word = s.slice(start, pos);
    items.push({ tok: STRING_TO_TOKEN[word] ?? 'Identifier', literal: word });
  }
}
