// What the tests and the load driver read and write of Porte's own formats, outside a browser:
//   - the stored sessions (`porte.sessions` in local and session storage): `provider=token` items
//     joined by ", ", the format of the `x-porte-session` header (porte/src/shared/wire.rs);
//   - a server function's answer in the compact wire (postcard, porte/src/shared/compact.rs):
//     here `start_login`'s, a `LoginStart`. postcard writes a struct's fields in order, a string
//     as its UTF-8 length (LEB128) then its bytes, a bool as one byte.

/** The text Porte stores for `sessions` (provider id → sealed token). */
export function sessionsText(sessions) {
  return Object.entries(sessions).map(([provider, token]) => `${provider}=${token}`).join(", ");
}

/** The sessions in a stored text (`null` or anything that is not an entry: none). */
export function parseSessions(text) {
  const sessions = {};
  for (const item of (text ?? "").split(",")) {
    const eq = item.indexOf("=");
    if (eq > 0) sessions[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return sessions;
}

/** Reads postcard values in order from `bytes` (a Uint8Array or Buffer). */
class CompactReader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }

  byte() {
    if (this.at >= this.bytes.length) throw new Error("compact answer: truncated");
    return this.bytes[this.at++];
  }

  length() {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new Error("compact answer: bad length");
  }

  string() {
    const n = this.length();
    if (this.at + n > this.bytes.length) throw new Error("compact answer: truncated");
    const text = new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return text;
  }

  bool() {
    const b = this.byte();
    if (b > 1) throw new Error("compact answer: bad bool");
    return b === 1;
  }

  end() {
    if (this.at !== this.bytes.length) throw new Error("compact answer: trailing bytes");
  }
}

/** `start_login`'s answer: { authorization_url, state, in_system_browser }. */
export function readLoginStart(bytes) {
  const r = new CompactReader(bytes);
  const start = { authorization_url: r.string(), state: r.string(), in_system_browser: r.bool() };
  r.end();
  return start;
}
