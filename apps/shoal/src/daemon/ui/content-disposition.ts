/**
 * `Content-Disposition: attachment` naming `name` (RFC 6266): a plain-ASCII fallback for
 * old clients and the exact name in RFC 5987 encoding.
 */
export function attachment (name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const encoded = encodeURIComponent(name).replace(/['()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
