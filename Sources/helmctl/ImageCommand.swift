import CommandLineKit
import ClusterCore

/// `helmctl image load|ls|rm|pull`: the cluster node's image store (in the cluster data directory).
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "manage the images of the bundled cluster's node",
        subcommands: [ImageLoad.self, ImageList.self, ImageRemove.self, ImagePull.self])
}

struct ImageLoad: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "load images from a docker-save or OCI layout tar archive")

    @OptionGroup var data: DataDirOption
    @Argument(help: "the archive (docker save output or an OCI image layout tar)") var file: String

    func run() throws {
        for image in try imageErrors({ try data.directory.imageStore.load(archive: file) }) {
            ErrorReporting.writeStdout("Loaded image: \(image.reference) (\(image.digest))\n")
        }
    }
}

struct ImageList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "list the stored images")

    @OptionGroup var data: DataDirOption

    func run() throws {
        let images = try imageErrors { try data.directory.imageStore.list() }
        var rows = [["REFERENCE", "DIGEST", "IMAGE ID", "SIZE"]]
        for i in images {
            rows.append([i.reference, String(i.digest.prefix(19)), String(i.configDigest.dropFirst(7).prefix(12)), ImageList.size(i.size)])
        }
        let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        for r in rows {
            out += r.enumerated().map { c, s in c == 3 ? s : s + String(repeating: " ", count: widths[c] - s.count) }.joined(separator: "   ") + "\n"
        }
        ErrorReporting.writeStdout(out)
    }

    static func size(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB"]
        var v = Double(bytes)
        var u = 0
        while v >= 1000 && u < units.count - 1 { v /= 1000; u += 1 }
        return u == 0 ? "\(bytes)B" : "\((v * 10).rounded() / 10)\(units[u])"
    }
}

struct ImageRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "remove an image reference (and blobs no other image needs)")

    @OptionGroup var data: DataDirOption
    @Argument(help: "image references") var references: [String]

    func run() throws {
        let store = data.directory.imageStore
        for r in references {
            let removed = try imageErrors { try store.remove(r) }
            ErrorReporting.writeStdout("Untagged: \(removed.reference)\n")
        }
    }
}

struct ImagePull: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pull", abstract: "pull an image from a registry into the store")

    @OptionGroup var data: DataDirOption
    @Option(name: .customLong("username"), help: "registry user name (basic auth or token request)") var username: String?
    @Option(name: .customLong("password"), help: "registry password or token") var password: String?
    @Argument(help: "image reference") var reference: String

    func run() throws {
        let credentials = username.map { RegistryCredentials(username: $0, password: password ?? "") }
        let store = data.directory.imageStore
        let image = try imageErrors { try store.pull(reference, credentials: credentials, progress: ImagePull.report) }
        ErrorReporting.writeStdout("Pulled: \(image.reference) (\(image.digest))\n")
    }

    @Sendable static func report(_ event: ImagePullProgress) {
        switch event {
        case .resolved(let ref, let digest, let layers): ErrorReporting.writeStderr("\(ref): \(digest), \(layers) layers\n")
        case .present(let digest): ErrorReporting.writeStderr("\(digest.prefix(19)): already present\n")
        case .downloading(let digest, let received, let total) where received == total:
            ErrorReporting.writeStderr("\(digest.prefix(19)): downloaded \(total) bytes\n")
        default: break
        }
    }
}

/// Store failures worded as cluster errors (printed as `Error: …`, exit 1).
func imageErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as RuntimeError {
        throw ClusterError(error.description)
    }
}
