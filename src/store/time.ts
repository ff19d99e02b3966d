// Store timestamps: ISO-8601 UTC text, so they sort as text and read the same on every database.

export function nowIso(): string {
  return new Date().toISOString();
}
