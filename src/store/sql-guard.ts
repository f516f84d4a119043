// SQL of the shared replay cache (seen_jti) and of the write probe, the same for SQLite and
// PostgreSQL (`?` placeholders; the PostgreSQL store numbers them).

/**
 * Insert-or-conflict: one row changed = first use (or reuse of an id whose earlier token expired);
 * no row changed = a live (iss, jti) already recorded, i.e. a replay.
 */
export const REMEMBER_JTI = 'INSERT INTO seen_jti (iss, jti, expires_at) VALUES (?, ?, ?) ' +
  'ON CONFLICT (iss, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE seen_jti.expires_at < ?'

export const PRUNE_JTI = 'DELETE FROM seen_jti WHERE expires_at < ?'

/** Expired ids are pruned at most this often (seconds, per instance). */
export const PRUNE_EVERY_SECONDS = 60

export const PROBE = 'INSERT INTO store_probe (id, at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at'
