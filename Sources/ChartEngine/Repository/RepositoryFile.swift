import StructuredData
import Templating

/// One configured chart repository (Helm's `repo.Entry`, as stored in `repositories.yaml`).
public struct RepositoryEntry: Sendable, Equatable {
    public var name: String
    public var url: String
    public var username = ""
    public var password = ""
    public var certFile = ""
    public var keyFile = ""
    public var caFile = ""
    public var insecureSkipTLSVerify = false
    public var passCredentialsAll = false

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    /// The getter options for requests to this repository (credentials bound to its URL).
    public var httpOptions: HTTPOptions {
        var o = HTTPOptions()
        o.credentialsURL = url
        o.username = username
        o.password = password
        o.passCredentialsAll = passCredentialsAll
        o.certFile = certFile
        o.keyFile = keyFile
        o.caFile = caFile
        o.insecureSkipTLSVerify = insecureSkipTLSVerify
        return o
    }

    /// The entry as sigs.k8s.io/yaml marshals it (every field, keys sorted by the encoder).
    var value: Value {
        .map([
            "name": .string(name), "url": .string(url), "username": .string(username),
            "password": .string(password), "certFile": .string(certFile), "keyFile": .string(keyFile),
            "caFile": .string(caFile), "insecure_skip_tls_verify": .bool(insecureSkipTLSVerify),
            "pass_credentials_all": .bool(passCredentialsAll),
        ])
    }
}

/// `repositories.yaml` (Helm's `repo.File`): `apiVersion`, `generated` and the repository list.
public struct RepositoryFile: Sendable, Equatable {
    public var apiVersion = ""
    /// Kept as read; Go's zero time when the file is new (Helm's `repo add` starts from a zero `File`).
    public var generated = "0001-01-01T00:00:00Z"
    public var repositories: [RepositoryEntry] = []

    public init() {}

    /// Helm's `repo.LoadFile`: a missing file is an error the callers usually treat as "no
    /// repositories" (see ``loadOrEmpty(_:)``); unknown fields are ignored as sigs.k8s.io/yaml does.
    public static func load(_ path: String) throws(ChartEngineError) -> RepositoryFile {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            throw ChartEngineError(.io, "couldn't load repositories file (\(path)): \(error.message)")
        }
        return try parse(bytes)
    }

    /// The file at `path`, or an empty one when it does not exist (Helm's `loadRepoConfig`).
    public static func loadOrEmpty(_ path: String) throws(ChartEngineError) -> RepositoryFile {
        if FileSystem.kind(of: path) == .missing { return RepositoryFile() }
        return try load(path)
    }

    /// Parses `repositories.yaml` bytes.
    public static func parse(_ bytes: [UInt8]) throws(ChartEngineError) -> RepositoryFile {
        let doc: Value
        do {
            doc = try YAML.decode(bytes, numbersAsFloat: true)
        } catch {
            throw ChartEngineError(.invalidChart, "error converting YAML to JSON: \(error)")
        }
        var f = RepositoryFile()
        if doc.isNull { return f }
        let prefix = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
        guard case .map(let top) = doc else {
            throw ChartEngineError(.invalidChart, prefix + "\(MetadataDecoding.jsonType(doc)) into Go value of type repo.File")
        }
        func string(_ v: Value?, _ field: String) throws(ChartEngineError) -> String {
            guard let v, !v.isNull else { return "" }
            guard let s = v.stringValue, case .string = v else {
                throw ChartEngineError(.invalidChart, prefix + "\(MetadataDecoding.jsonType(v)) into Go struct field \(field) of type string")
            }
            return s
        }
        func bool(_ v: Value?, _ field: String) throws(ChartEngineError) -> Bool {
            guard let v, !v.isNull else { return false }
            guard case .bool(let b) = v else {
                throw ChartEngineError(.invalidChart, prefix + "\(MetadataDecoding.jsonType(v)) into Go struct field \(field) of type bool")
            }
            return b
        }
        f.apiVersion = try string(top["apiVersion"], "File.apiVersion")
        if let g = top["generated"], !g.isNull {
            let s = try string(g, "File.generated")
            guard ChartfileEncoding.parseRFC3339(s) != nil else {
                throw ChartEngineError(.invalidChart, "error unmarshaling JSON: while decoding JSON: parsing time \"\\\"\(s)\\\"\" as \"\\\"2006-01-02T15:04:05Z07:00\\\"\": cannot parse \"\(s)\\\"\" as \"2006\"")
            }
            f.generated = ChartfileEncoding.normalizeRFC3339(s)
        }
        if let r = top["repositories"], !r.isNull {
            guard case .list(let items) = r else {
                throw ChartEngineError(.invalidChart, prefix + "\(MetadataDecoding.jsonType(r)) into Go struct field File.repositories of type []*repo.Entry")
            }
            for item in items {
                if item.isNull { continue }
                guard case .map(let m) = item else {
                    throw ChartEngineError(.invalidChart, prefix + "\(MetadataDecoding.jsonType(item)) into Go struct field File.repositories of type repo.Entry")
                }
                var e = RepositoryEntry(name: try string(m["name"], "Entry.repositories.name"),
                                        url: try string(m["url"], "Entry.repositories.url"))
                e.username = try string(m["username"], "Entry.repositories.username")
                e.password = try string(m["password"], "Entry.repositories.password")
                e.certFile = try string(m["certFile"], "Entry.repositories.certFile")
                e.keyFile = try string(m["keyFile"], "Entry.repositories.keyFile")
                e.caFile = try string(m["caFile"], "Entry.repositories.caFile")
                e.insecureSkipTLSVerify = try bool(m["insecure_skip_tls_verify"], "Entry.repositories.insecure_skip_tls_verify")
                e.passCredentialsAll = try bool(m["pass_credentials_all"], "Entry.repositories.pass_credentials_all")
                f.repositories.append(e)
            }
        }
        return f
    }

    /// The first entry named `name`.
    public func get(_ name: String) -> RepositoryEntry? { repositories.first { $0.name == name } }

    /// `File.Has`.
    public func has(_ name: String) -> Bool { get(name) != nil }

    /// `File.Update`: replaces the entry of the same name in place, else appends.
    public mutating func update(_ e: RepositoryEntry) {
        if let i = repositories.firstIndex(where: { $0.name == e.name }) {
            repositories[i] = e
        } else {
            repositories.append(e)
        }
    }

    /// `File.Remove`: drops the first entry of that name; false when there is none.
    public mutating func remove(_ name: String) -> Bool {
        guard let i = repositories.firstIndex(where: { $0.name == name }) else { return false }
        repositories.remove(at: i)
        return true
    }

    /// sigs.k8s.io/yaml `Marshal` of the file.
    public func yaml() -> String {
        YAML.encode(.map([
            "apiVersion": .string(apiVersion), "generated": .string(generated),
            "repositories": .list(repositories.map(\.value)),
        ]))
    }

    /// `File.WriteFile(path, 0600)`: parent directories created, written atomically.
    public func write(_ path: String) throws(ChartEngineError) {
        let (dir, _) = TarWriter.splitPath(path)
        if !dir.isEmpty { try FileSystem.makeDirectories(dir) }
        try AtomicFile.write(path, Array(yaml().utf8), mode: 0o600)
    }
}
