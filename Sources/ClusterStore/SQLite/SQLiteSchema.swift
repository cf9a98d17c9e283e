/// kine's log-structured table: every write appends a row whose `id` is the revision. The unique
/// `(name, prev_revision)` index is the compare-and-swap guard: two writes on top of the same previous
/// row cannot both be stored. A key's current value is its row with the highest id.
enum SQLiteSchema {
    static let create = """
        CREATE TABLE IF NOT EXISTS kine (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            created INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            create_revision INTEGER NOT NULL,
            prev_revision INTEGER NOT NULL,
            lease INTEGER NOT NULL,
            value BLOB,
            old_value BLOB);
        CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name);
        CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name, id);
        CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id, deleted);
        CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision);
        CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision);
        CREATE INDEX IF NOT EXISTS kine_lease_index ON kine (lease) WHERE lease != 0;
        CREATE TABLE IF NOT EXISTS kine_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS kine_leases (id INTEGER PRIMARY KEY, ttl INTEGER NOT NULL, expires_at INTEGER NOT NULL);
        """

    /// The highest revision ever assigned (AUTOINCREMENT never reuses ids, even after compaction).
    static let currentRevision = "SELECT seq FROM sqlite_sequence WHERE name = 'kine'"
    static let compactRevision = "SELECT value FROM kine_meta WHERE key = 'compact_rev'"

    static let latest = """
        SELECT id, created, deleted, create_revision, prev_revision, lease, value
        FROM kine WHERE name = ?1 ORDER BY id DESC LIMIT 1
        """

    static let insert = """
        INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, lease, value, old_value)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        """

    /// Live keys in `[?1, ?3)` strictly after `?2`, as of revision `?4`, at most `?5` (-1 = all).
    static let list = """
        SELECT k.id, k.name, k.create_revision, k.lease, k.value FROM kine k
        JOIN (SELECT MAX(id) AS mid FROM kine WHERE name >= ?1 AND name > ?2 AND name < ?3 AND id <= ?4
              GROUP BY name) m ON k.id = m.mid
        WHERE k.deleted = 0 ORDER BY k.name LIMIT ?5
        """

    static let count = """
        SELECT COUNT(*) FROM kine k
        JOIN (SELECT MAX(id) AS mid FROM kine WHERE name >= ?1 AND name > ?2 AND name < ?3 AND id <= ?4
              GROUP BY name) m ON k.id = m.mid
        WHERE k.deleted = 0
        """

    /// The rows of revisions `(?1, ?2]` for keys in `[?3, ?4)`, with the previous row's lease.
    static let history = """
        SELECT k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.lease, k.value,
               k.old_value, p.lease
        FROM kine k LEFT JOIN kine p ON p.id = k.prev_revision
        WHERE k.id > ?1 AND k.id <= ?2 AND k.name >= ?3 AND k.name < ?4 ORDER BY k.id
        """

    /// Rows no list at or after revision `?1` can need: superseded versions and deletion markers.
    static let compact = """
        DELETE FROM kine WHERE id <= ?1 AND (deleted = 1 OR
            id < (SELECT MAX(k2.id) FROM kine k2 WHERE k2.name = kine.name AND k2.id <= ?1))
        """

    static let leaseKeys = """
        SELECT k.name FROM kine k WHERE k.lease = ?1 AND k.deleted = 0
          AND k.id = (SELECT MAX(id) FROM kine WHERE name = k.name) ORDER BY k.name
        """

    /// The upper bound of a prefix range as TEXT bytes: 0xFF never occurs in UTF-8, so every key that
    /// starts with `prefix` sorts below `prefix + [0xFF]`.
    static func upperBound(_ prefix: String) -> [UInt8] { Array(prefix.utf8) + [0xFF] }
}
