// Names come from other people's file systems and manifests: shown on a terminal as they
// are, a newline would forge a line of output and an ESC sequence recolour (or retitle)
// the terminal. Shown escaped instead, as `ls -b` and GNU quoting do.

const NAMED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

// control characters (C0, DEL, C1), line and paragraph separators, and the marks and
// overrides that reorder text on screen (a name could otherwise show another name)
const UNSAFE = /[\\\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

/** `text` with every character that could break or restyle a terminal line as an escape (`\n`, `\x1b`, `\u{202e}`), and `\` as `\\`. */
export function showName (text: string): string {
  return text.replace(UNSAFE, c => NAMED[c] ?? escapeOf(c))
}

function escapeOf (c: string): string {
  const code = c.codePointAt(0) as number
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
}
