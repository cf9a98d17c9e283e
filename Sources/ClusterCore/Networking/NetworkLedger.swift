import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// The record, in the cluster's data directory, of every host network object the pod network
/// created (bridges with their policy rules, routes, network namespaces): one small JSON file per
/// object, written before the object is made and removed after it is gone. A cluster killed with
/// SIGKILL leaves the files behind, so a later `cluster down` (or the next start) can remove exactly
/// what was made — and nothing it did not make. Blocking: call from ``RuntimeThreads``.
struct NetworkLedger: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case netns, bridge, route
    }

    /// `<state>/created`.
    let directory: String

    init(stateDirectory: String) { directory = stateDirectory + "/created" }

    private func file(_ kind: Kind, _ name: String) -> String {
        // Names are ours (letters, digits, `-`, `.`); a CIDR's `/` becomes `_`.
        directory + "/" + kind.rawValue + "." + name.map { $0 == "/" ? "_" : $0 }.map(String.init).joined()
    }

    func record(_ kind: Kind, _ name: String, _ fields: [String: Value]) throws(RuntimeError) {
        try FileTree.makeDirectories(directory)
        var all = fields
        all["kind"] = .string(kind.rawValue)
        all["name"] = .string(name)
        try FileTree.writeFile(file(kind, name), JSON.encode(.map(all), escapeHTML: false) + "\n", mode: 0o600)
    }

    func forget(_ kind: Kind, _ name: String) { unlink(file(kind, name)) }

    /// Recorded objects of `kind`, as written by ``record(_:_:_:)`` (damaged files are skipped).
    func entries(_ kind: Kind) -> [Value] {
        FileTree.entries(directory).filter { $0.hasPrefix(kind.rawValue + ".") && !$0.hasSuffix(".tmp") }.sorted().compactMap { name in
            guard let text = try? FileIO.read(directory + "/" + name), let v = try? JSON.decode(text),
                  v["kind"]?.stringValue == kind.rawValue, v["name"]?.stringValue != nil
            else { return nil }
            return v
        }
    }

    var isEmpty: Bool { FileTree.entries(directory).isEmpty }
}
