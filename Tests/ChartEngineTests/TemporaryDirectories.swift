import Foundation

/// The temporary directories the ChartEngine tests make, removed when the test process exits: many
/// tests hand their directory on (archives, fixtures copied and stamped, charts written out) and
/// cannot remove it themselves, and each run used to leave ~100 behind in /tmp.
enum TemporaryDirectories {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: [String] = []
    nonisolated(unsafe) private static var removalRegistered = false

    /// A new empty directory `TMPDIR/PREFIX-UUID`.
    static func make(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        lock.lock()
        defer { lock.unlock() }
        made.append(path)
        if !removalRegistered {
            removalRegistered = true
            atexit { TemporaryDirectories.removeAll() }
        }
        return path
    }

    private static func removeAll() {
        lock.lock()
        let paths = made
        made = []
        lock.unlock()
        for p in paths { try? FileManager.default.removeItem(atPath: p) }
    }
}
