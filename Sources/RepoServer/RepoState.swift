import ChartEngine
import NIOConcurrencyHelpers

/// Owns the current ``RepoSnapshot`` and rebuilds it when the directory's archives change.
///
/// Scans are blocking (directory listing, reading archives), so callers run ``rescan()`` off the event
/// loops. Rescans are serialised by `scanLock`; readers only take the tiny snapshot lock.
final class RepoState: Sendable {
    let directory: String
    private let snapshotBox: NIOLockedValueBox<RepoSnapshot>
    private let scanLock = NIOLock()
    private let clock: @Sendable () -> String

    /// Scans and indexes `directory`; fails when the directory cannot be read or an archive is not a
    /// valid chart, as `helm repo index` does.
    init(directory: String, clock: @escaping @Sendable () -> String = RepoTime.now) throws(RepoServerError) {
        self.directory = directory
        self.clock = clock
        let files = try DirectoryScanner.scan(directory)
        let index = try RepoState.makeIndex(directory: directory, files: files, previous: nil, clock: clock)
        snapshotBox = NIOLockedValueBox(RepoSnapshot(files: files, index: index, indexModified: HTTPDate.now()))
    }

    var snapshot: RepoSnapshot { snapshotBox.withLockedValue { $0 } }

    /// Rescans the directory. Returns true when the archive list changed and the index was rebuilt.
    /// When rebuilding fails (an unreadable or invalid archive appeared) the previous index is kept
    /// and the error is thrown for the caller to log.
    @discardableResult
    func rescan() throws(RepoServerError) -> Bool {
        scanLock.lock()
        defer { scanLock.unlock() }
        let old = snapshot
        let files = try DirectoryScanner.scan(directory)
        let archives = files.filter { $0.kind == .archive }
        if archives == old.archiveKeys {
            if files != old.files.values.sorted(by: { $0.relativePath < $1.relativePath }) {
                let next = RepoSnapshot(files: files, index: old.index, indexModified: old.indexModified)
                snapshotBox.withLockedValue { $0 = next }
            }
            return false
        }
        let index = try RepoState.makeIndex(directory: directory, files: files, previous: old.index, clock: clock)
        let next = RepoSnapshot(files: files, index: index, indexModified: max(HTTPDate.now(), old.indexModified + 1))
        snapshotBox.withLockedValue { $0 = next }
        return true
    }

    /// Indexes with ChartEngine's `repo index` code, then keeps only entries the server can serve
    /// (the indexer also follows symlinks and reads dot-files, which the server refuses), and keeps
    /// the `created` time of entries whose archive did not change so clients see a stable index.
    static func makeIndex(directory: String, files: [ScannedFile], previous: RepoIndex?,
                          clock: @escaping @Sendable () -> String) throws(RepoServerError) -> RepoIndex
    {
        var index: RepoIndex
        do {
            index = try RepoIndex.index(directory: directory, baseURL: "", clock: clock)
        } catch let e as ChartEngineError {
            throw RepoServerError("cannot index \(directory): \(e.message)")
        } catch {
            throw RepoServerError("cannot index \(directory): \(error)")
        }
        let servable = Set(files.filter { $0.kind == .archive }.map(\.relativePath))
        var oldCreated: [String: String] = [:]
        for list in previous?.entries.values.map({ $0 }) ?? [] {
            for e in list { oldCreated[e.digest + " " + e.metadata.version] = e.created }
        }
        for (name, list) in index.entries {
            let kept = list.filter { e in e.urls.allSatisfy { servable.contains($0) } }.map { e in
                var e = e
                if let c = oldCreated[e.digest + " " + e.metadata.version] { e.created = c }
                return e
            }
            index.entries[name] = kept.isEmpty ? nil : kept
        }
        index.sortEntries()
        return index
    }
}
