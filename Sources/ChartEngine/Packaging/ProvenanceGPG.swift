#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throwaway GnuPG home: helmctl drives Debian's `gpg` as its OpenPGP implementation (never
/// hand-written crypto), always with a private temporary `GNUPGHOME` so the user's own keyrings and
/// agent are never touched. Helm takes a keyring *file*; it is imported here first.
struct GPGHome: ~Copyable {
    /// The temporary directory used as `GNUPGHOME`.
    let path: String

    /// The executable, overridable for tests or unusual installs.
    static var executable: String {
        if let e = getenv("HELMCTL_GPG"), e.pointee != 0 { return String(cString: e) }
        return "gpg"
    }

    init() throws(ChartEngineError) {
        var template = Array((LintAction.tmpDirectory() + "/helmctl-gpgXXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ChartEngineError(.io, "unable to create temporary GnuPG home: \(FileSystem.errorText(errno))")
        }
        path = String(cString: made)
        chmod(path, 0o700)
    }

    deinit {
        // Signing starts a gpg-agent inside the home; stop it before removing its socket directory.
        _ = try? Self.spawn(["gpgconf", "--kill", "all"], home: path, stdout: path + "/.kill.out",
                            stderr: path + "/.kill.err", stdin: nil)
        LintAction.removeTree(path)
    }

    /// Result of one gpg run.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `gpg --batch --no-tty ARGS` in this home; stdin from `input` when given.
    func gpg(_ args: [String], input: String? = nil) throws(ChartEngineError) -> Run {
        try run([Self.executable, "--batch", "--no-tty", "--yes"] + args, input: input)
    }

    func run(_ argv: [String], input: String? = nil) throws(ChartEngineError) -> Run {
        let out = path + "/.out", err = path + "/.err", inp = path + "/.in"
        if let input { try FileSystem.write(inp, Array(input.utf8), append: false) }
        let status = try Self.spawn(argv, home: path, stdout: out, stderr: err, stdin: input == nil ? nil : inp)
        let o = (try? FileSystem.read(out)) ?? []
        let e = (try? FileSystem.read(err)) ?? []
        return Run(status: status, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// posix_spawnp with stdio redirected to files (no pipes, so no deadlock on large output) and the
    /// environment's `GNUPGHOME` replaced.
    static func spawn(_ argv: [String], home: String, stdout: String, stderr: String, stdin: String?)
        throws(ChartEngineError) -> Int32
    {
        var env: [String] = []
        var p = environ
        while let e = p.pointee {
            let s = String(cString: e)
            if !s.hasPrefix("GNUPGHOME=") { env.append(s) }
            p += 1
        }
        env.append("GNUPGHOME=" + home)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid = pid_t()
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        if rc != 0 {
            throw ChartEngineError(.io, "unable to run \(argv[0]): \(FileSystem.errorText(rc))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw ChartEngineError(.io, "waiting for \(argv[0]): \(FileSystem.errorText(errno))") }
        }
        // WIFEXITED / WEXITSTATUS by hand (macros are not imported into Swift).
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Imports a keyring file (binary or armored, public or secret). Errors read like Helm's, which
    /// opens the file first.
    func importKeyring(_ file: String) throws(ChartEngineError) {
        let fd = open(file, O_RDONLY)
        if fd < 0 { throw ChartEngineError(.io, "open \(file): \(FileSystem.errorText(errno))") }
        close(fd)
        // An empty keyring is a valid, empty one for Helm (verification then finds no signer).
        if (try FileSystem.read(file)).isEmpty { return }
        let r = try gpg(["--status-fd", "1", "--import", file])
        if !r.stdout.contains("IMPORT_OK") && !r.stdout.contains("IMPORTED") {
            // What Helm's `openpgp.ReadKeyRing` says about bytes that are not OpenPGP packets.
            throw ChartEngineError(.io, "openpgp: invalid data: tag byte does not have MSB set")
        }
    }

    /// The public-key algorithm of the (sub)key with the given long key ID, as go-crypto names it in
    /// its verification errors (`RSA verification failure`).
    func algorithmName(keyID: String) throws(ChartEngineError) -> String {
        let r = try gpg(["--with-colons", "--fixed-list-mode", "--list-keys"])
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard f.count > 4, f[0] == "pub" || f[0] == "sub", f[4].uppercased() == keyID.uppercased() else { continue }
            switch f[3] {
            case "1", "2", "3": return "RSA"
            case "17": return "DSA"
            case "19": return "ECDSA"
            case "22": return "EdDSA"
            case "27": return "ed25519"
            case "28": return "ed448"
            default: return "RSA"
            }
        }
        return "RSA"
    }

    /// A key in the home: primary fingerprint and user IDs.
    struct Key {
        var fingerprint: String
        var identities: [String]
    }

    /// `--with-colons` listing of public (or secret) keys.
    func keys(secret: Bool, selector: String? = nil) throws(ChartEngineError) -> [Key] {
        var args = ["--with-colons", "--fixed-list-mode", secret ? "--list-secret-keys" : "--list-keys"]
        if let selector { args.append(selector) }
        let r = try gpg(args)
        var keys: [Key] = []
        var wantFingerprint = false
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard let kind = f.first else { continue }
            switch kind {
            case "pub", "sec":
                keys.append(Key(fingerprint: "", identities: []))
                wantFingerprint = true
            case "sub", "ssb":
                wantFingerprint = false
            case "fpr" where wantFingerprint && f.count > 9:
                keys[keys.count - 1].fingerprint = f[9]
                wantFingerprint = false
            case "uid" where !keys.isEmpty && f.count > 9:
                keys[keys.count - 1].identities.append(Self.unescapeColons(f[9]))
            default:
                break
            }
        }
        return keys
    }

    /// gpg escapes `:` and other bytes in colon listings as `\xHH`.
    static func unescapeColons(_ s: String) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 3 < b.count, b[i + 1] == UInt8(ascii: "x"),
                let v = UInt8(String(decoding: b[(i + 2)...(i + 3)], as: UTF8.self), radix: 16)
            {
                out.append(v)
                i += 4
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
