import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helm's `pkg/provenance`: `<chart>-<ver>.tgz.prov`, a PGP clear-signed (SHA512) message whose body
/// is the archive's Chart.yaml (as `yaml.Marshal(chart.Metadata)` writes it), a blank line, `...`, and
/// `files:` with the archive's SHA-256 (§4.7). OpenPGP itself is Debian's gpg (see `GPGHome`).
public enum Provenance {
    /// What `Verify` established.
    public struct Verification: Sendable, Equatable {
        /// The signer key's user IDs (`Signed by: …`).
        public var signedBy: [String]
        /// The signer's primary key fingerprint, upper-case hex as Helm prints `%X`.
        public var fingerprint: String
        /// `sha256:<hex>` of the archive.
        public var fileHash: String
        /// The archive's base name.
        public var fileName: String
    }

    /// The unsigned body Helm signs (`messageBlock`): loads the archive for its metadata.
    public static func messageBlock(archivePath: String) throws(ChartEngineError) -> String {
        let bytes = try FileSystem.read(archivePath)
        let source = try ChartSource.archive(bytes)
        let chart = try ChartLoader.loadFiles(source.files)
        // YAML uses `---` to start a document, which is not allowed in a clear-signed block, so Helm
        // ends the metadata with the document-end marker `...` instead.
        return ChartfileEncoding.chartYAML(chart.metadata) + "\n...\n"
            + "files:\n  \(baseName(archivePath)): sha256:\(SHA256.hex(bytes))\n"
    }

    /// `helm package --sign`: the `.prov` text for the archive, signed with the secret key in
    /// `keyring` whose user ID equals or contains `key` (Helm's `NewFromKeyring` lookup).
    public static func sign(archivePath: String, key: String, keyring: String, passphraseFile: String? = nil)
        throws(ChartEngineError) -> String
    {
        let home = try GPGHome()
        try home.importKeyring(keyring)
        let fingerprint = try selectSecretKey(home, key)
        var passArgs = ["--pinentry-mode", "loopback"]
        if let passphraseFile {
            // Helm reads the first line of the file (`-` is standard input).
            let text = passphraseFile == "-" ? String(decoding: FileSystem.readStandardInput(), as: UTF8.self)
                : String(decoding: try FileSystem.read(passphraseFile), as: UTF8.self)
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            try FileSystem.write(home.path + "/.pass", Array(line.utf8), append: false)
            passArgs += ["--passphrase-file", home.path + "/.pass"]
        } else {
            passArgs += ["--passphrase", ""]
        }
        let body = try messageBlock(archivePath: archivePath)
        // Go's clearsign keeps the body's final newline in the signed text, so a blank line precedes
        // the signature header; gpg treats the last line break as the separator, hence one more.
        try FileSystem.write(home.path + "/body", Array((body + "\n").utf8), append: false)
        let r = try home.gpg(passArgs + ["--local-user", fingerprint + "!", "--digest-algo", "SHA512",
                                         "--armor", "--clearsign", "--output", home.path + "/body.asc",
                                         home.path + "/body"])
        guard r.status == 0, let signed = try? FileSystem.read(home.path + "/body.asc") else {
            if r.stderr.contains("Bad passphrase") || r.stderr.contains("No passphrase") || r.stderr.contains("No pinentry") {
                throw ChartEngineError(.io, "openpgp: invalid argument: private key checksum failure")
            }
            throw ChartEngineError(.io, "signing failed: \(lastLine(r.stderr))")
        }
        var text = String(decoding: signed, as: UTF8.self)
        // Go's armor encoder ends at `-----END PGP SIGNATURE-----` without a newline; gpg adds one.
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Helm's lookup: an exact user-ID match wins; otherwise the one key whose user ID contains `key`.
    static func selectSecretKey(_ home: borrowing GPGHome, _ key: String) throws(ChartEngineError) -> String {
        var candidate: String?
        var vague = false
        for k in try home.keys(secret: true) {
            for id in k.identities {
                if id == key { return k.fingerprint }
                if id.contains(key) {
                    if candidate != nil && candidate != k.fingerprint { vague = true }
                    candidate = k.fingerprint
                }
            }
        }
        if vague { throw ChartEngineError(.usage, "more than one key contain the id \"\(key)\"") }
        guard let candidate else { throw ChartEngineError(.usage, "private key not found") }
        return candidate
    }

    /// `downloader.VerifyChart`: checks the archive and `.prov` exist, then `Signatory.Verify`.
    public static func verifyChart(_ path: String, provenance provPath: String? = nil, keyring: String)
        throws(ChartEngineError) -> Verification
    {
        let prov = provPath ?? path + ".prov"
        var st = stat()
        if stat(path, &st) != 0 { throw ChartEngineError(.io, "stat \(path): \(FileSystem.errorText(errno))") }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw ChartEngineError(.usage, "unpacked charts cannot be verified") }
        if !path.lowercased().hasSuffix(".tgz") { throw ChartEngineError(.usage, "chart must be a tgz file") }
        if stat(prov, &st) != 0 {
            throw ChartEngineError(.io, "could not load provenance file \(prov): stat \(prov): \(FileSystem.errorText(errno))")
        }
        let home = try GPGHome()
        do {
            try home.importKeyring(keyring)
        } catch {
            throw ChartEngineError(error.code, "failed to load keyring: \(error.message)")
        }
        return try verify(home, archive: path, provenance: prov)
    }

    static func verify(_ home: borrowing GPGHome, archive: String, provenance prov: String)
        throws(ChartEngineError) -> Verification
    {
        // Helm only reads a clear-signed block (`clearsign.Decode`; its error text as the real Helm v4
        // prints it, unwrapped); refuse anything else before gpg
        // would, say, decrypt an encrypted message or read a binary one.
        let provText = String(decoding: try FileSystem.read(prov), as: UTF8.self)
        guard provText.contains("-----BEGIN PGP SIGNED MESSAGE-----\n") else {
            throw ChartEngineError(.io, "signature block not found")
        }
        let plainPath = home.path + "/plain"
        let r = try home.gpg(["--status-fd", "1", "--trust-model", "always", "--output", plainPath, "--decrypt", prov])
        var fingerprint = ""
        var badKey: String?, unknown = false
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: " ").map(String.init)
            guard f.count >= 2, f[0] == "[GNUPG:]" else { continue }
            switch f[1] {
            case "VALIDSIG": fingerprint = f.count > 11 ? f[11] : (f.count > 2 ? f[2] : "")
            case "BADSIG": badKey = f.count > 2 ? f[2] : ""
            case "NO_PUBKEY", "ERRSIG": unknown = true
            default: break
            }
        }
        // The messages are those of Helm's OpenPGP library (ProtonMail go-crypto).
        if let badKey {
            let algorithm = try home.algorithmName(keyID: badKey)
            throw ChartEngineError(.io, "openpgp: invalid signature: \(algorithm) verification failure")
        }
        if fingerprint.isEmpty || r.status != 0 {
            if unknown { throw ChartEngineError(.io, "openpgp: signature made by unknown entity") }
            throw ChartEngineError(.io, "signature block not found")
        }
        let plain = String(decoding: (try? FileSystem.read(plainPath)) ?? [], as: UTF8.self)
        let identities = (try home.keys(secret: false, selector: fingerprint)).first?.identities ?? []

        let bytes = try FileSystem.read(archive)
        let sum = "sha256:" + SHA256.hex(bytes)
        let files = try parseFiles(plain)
        let base = baseName(archive)
        guard let sha = files[base] else {
            throw ChartEngineError(.io, "provenance does not contain a SHA for a file named \"\(base)\"")
        }
        if sha != sum {
            throw ChartEngineError(.io, "sha256 sum does not match for \(base): \"\(sha)\" != \"\(sum)\"")
        }
        return Verification(signedBy: identities, fingerprint: fingerprint.uppercased(), fileHash: sum, fileName: base)
    }

    /// Helm's `parseMessageBlock`: the part after `\n...\n` is YAML `files: {name: sum}`.
    static func parseFiles(_ plain: String) throws(ChartEngineError) -> [String: String] {
        let parts = plain.split(separator: "\n...\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw ChartEngineError(.io, "message block must have at least two parts") }
        let value: Value
        do {
            value = try YAML.decode(Array(parts[1].utf8))
        } catch {
            throw ChartEngineError(.io, "error converting YAML to JSON: \(error)")
        }
        var out: [String: String] = [:]
        if case .map(let m) = value, let files = m["files"], case .map(let fm) = files {
            for (k, v) in fm { if case .string(let s) = v { out[k] = s } }
        }
        return out
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func lastLine(_ s: String) -> String {
        s.split(separator: "\n").last.map(String.init) ?? s
    }
}

extension Provenance.Verification {
    /// What `helm verify` and `helm pull --verify` print.
    public var report: String {
        var out = ""
        for id in signedBy { out += "Signed by: \(id)\n" }
        out += "Using Key With Fingerprint: \(fingerprint)\n"
        out += "Chart Hash Verified: \(fileHash)\n"
        return out
    }
}
