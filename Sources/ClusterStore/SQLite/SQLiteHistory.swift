/// Watch history read back from the table, for watches that start before the in-memory event ring.
enum SQLiteHistory {
    /// The events of revisions `(after, upTo]` under `prefix`, in revision order; compacted history fails.
    static func events(_ c: SQLiteConnection, prefix: String, after: Int64, upTo: Int64) throws(StoreError) -> [StoreEvent] {
        let compacted = try c.scalar(SQLiteSchema.compactRevision)
        if after < compacted { throw StoreError.compacted(requested: after, compactRevision: compacted) }
        let s = try c.statement(SQLiteSchema.history)
        defer { s.reset() }
        try s.bind([.int(after), .int(upTo), .string(prefix), .text(SQLiteSchema.upperBound(prefix))])
        var out: [StoreEvent] = []
        while try s.step() {
            let id = s.int64(0), key = s.text(1), created = s.int64(2) != 0, deleted = s.int64(3) != 0
            let createRev = s.int64(4), prevRev = s.int64(5), lease = s.int64(6)
            let previous = created ? nil
                : KeyValue(key: key, value: s.bytes(8), createRevision: createRev, modRevision: prevRev,
                           lease: deleted ? lease : (s.isNull(9) ? 0 : s.int64(9)))
            let kv = KeyValue(key: key, value: s.bytes(7), createRevision: createRev, modRevision: id, lease: lease)
            let kind: StoreEvent.Kind = deleted ? .deleted : (created ? .added : .modified)
            out.append(StoreEvent(kind: kind, kv: kv, previous: previous))
        }
        return out
    }
}
