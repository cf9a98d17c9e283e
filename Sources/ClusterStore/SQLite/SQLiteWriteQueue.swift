/// One request for the writer thread: either set-up work (outside any transaction) or a write that
/// joins the current batch transaction under its own SAVEPOINT, so one failing request does not undo
/// the others committed with it.
final class SQLiteWriteJob: @unchecked Sendable {
    let setup: ((SQLiteWriterHost) -> Void)?
    let execute: ((SQLiteWriter) throws(StoreError) -> ([StoreEvent], () -> Void))?
    let fail: (StoreError) -> Void

    init(setup: @escaping (SQLiteWriterHost) -> Void) {
        self.setup = setup
        execute = nil
        fail = { _ in }
    }

    init(execute: @escaping (SQLiteWriter) throws(StoreError) -> ([StoreEvent], () -> Void),
         fail: @escaping (StoreError) -> Void) {
        setup = nil
        self.execute = execute
        self.fail = fail
    }
}

/// The writer thread's state (touched only on that thread): the connection, and what to do after each
/// commit (publish the batch's events, then acknowledge the callers).
final class SQLiteWriterHost: @unchecked Sendable {
    var writer: SQLiteWriter?
    var onCommit: ((SQLiteWriter.State, [StoreEvent]) -> Void)?

    func handle(_ jobs: [SQLiteWriteJob]) {
        var group: [SQLiteWriteJob] = []
        for job in jobs {
            if let setup = job.setup {
                commitBatch(group)
                group = []
                setup(self)
            } else {
                group.append(job)
            }
        }
        commitBatch(group)
    }

    /// Runs `jobs` in one `BEGIN IMMEDIATE … COMMIT`, acknowledging them only after the commit.
    private func commitBatch(_ jobs: [SQLiteWriteJob]) {
        guard !jobs.isEmpty else { return }
        guard let w = writer else {
            for j in jobs { j.fail(.closed) }
            return
        }
        let start = w.state
        do { try w.conn.run("BEGIN IMMEDIATE") } catch {
            for j in jobs { j.fail(error) }
            return
        }
        var done: [(SQLiteWriteJob, () -> Void)] = []
        var events: [StoreEvent] = []
        let single = jobs.count == 1
        for job in jobs {
            guard let execute = job.execute else { continue }
            let before = w.state
            do {
                if !single { try w.conn.run("SAVEPOINT w") }
                let (evs, ack) = try execute(w)
                if !single { try w.conn.run("RELEASE w") }
                events += evs
                done.append((job, ack))
            } catch {
                w.state = before
                if single {
                    // Nothing else is in this transaction: undo it whole.
                    try? w.conn.run("ROLLBACK")
                    job.fail(error)
                    return
                }
                try? w.conn.run("ROLLBACK TO w")
                try? w.conn.run("RELEASE w")
                job.fail(error)
            }
        }
        do {
            try w.conn.run("COMMIT")
        } catch {
            try? w.conn.run("ROLLBACK")
            w.state = start
            for (j, _) in done { j.fail(error) }
            return
        }
        onCommit?(w.state, events)
        for (_, ack) in done { ack() }
    }

    func shutdown() {
        if let w = writer { try? w.conn.exec("PRAGMA wal_checkpoint(PASSIVE)") }
        writer = nil
        onCommit = nil
    }
}
