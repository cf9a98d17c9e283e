/// `--verify` for the commands that locate a chart (install, upgrade, template, show) and for
/// `dependency update|build`: Helm's `downloader.VerificationStrategy` `VerifyAlways`. A local archive
/// needs `ARCHIVE.prov` next to it (`VerifyChart(abs, abs+".prov", keyring)`); a downloaded archive
/// needs `<URL>.prov` from the same place, fetched with the same options; an OCI chart needs its
/// provenance layer. Any failure aborts with Helm's text; OpenPGP itself is gpg (``Provenance``).
enum ChartVerification {
    /// A local chart path: directories are refused (`unpacked charts cannot be verified`), archives
    /// must end in `.tgz` and have their `.prov` beside them.
    static func verifyLocal(_ path: String, keyring: String) throws(ChartEngineError) {
        let abs = FileSystem.absolutePath(path)
        _ = try Provenance.verifyChart(abs, provenance: abs + ".prov", keyring: keyring)
    }

    /// A chart downloaded from `url` (HTTP(S) repository or chart URL): fetches `<url>.prov` with the
    /// options the archive was fetched with, then verifies the archive under the URL's file name.
    static func verifyDownloaded(_ archive: [UInt8], url: String, http: HTTPOptions, keyring: String)
        throws(ChartEngineError) -> Provenance.Verification
    {
        let prov = try fetchProvenance(of: url, http: http)
        return try verify(archive, provenance: prov, fileName: fileName(ofURL: url), keyring: keyring)
    }

    /// `<url>.prov`, fetched with the options the archive was fetched with (Helm's error when it can't be).
    static func fetchProvenance(of url: String, http: HTTPOptions) throws(ChartEngineError) -> [UInt8] {
        let provURL = url + ".prov"
        do {
            return try HTTPClient.get(provURL, options: http)
        } catch {
            throw ChartEngineError(.io, "failed to fetch provenance \(quoteGo(provURL))")
        }
    }

    /// Verifies archive bytes against provenance bytes as Helm's `DownloadToCache` does: both are
    /// written to a private temporary directory, the archive under `fileName` (the name the `.prov`
    /// lists it by), then `VerifyChart`.
    static func verify(_ archive: [UInt8], provenance: [UInt8], fileName: String, keyring: String)
        throws(ChartEngineError) -> Provenance.Verification
    {
        let dir = try TempDirectory.make()
        defer { TempDirectory.remove(dir) }
        let archivePath = joinPath(dir, fileName)
        let provPath = joinPath(dir, "provenance.prov")
        try FileSystem.write(archivePath, archive, append: false)
        try FileSystem.write(provPath, provenance, append: false)
        return try Provenance.verifyChart(archivePath, provenance: provPath, keyring: keyring)
    }

    /// `filepath.Base(u.Path)`, kept to one safe path element: anything that is not (empty, `.`,
    /// `..`, NUL) becomes `chart`, which then fails Helm's `.tgz` check like any other odd name.
    static func fileName(ofURL url: String) -> String {
        let path = URLParts(url).path
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        if last.isEmpty || last == "." || last == ".." || last.contains("\u{0}") { return "chart" }
        return last
    }

    /// The file name Helm gives an OCI chart (`NAME:TAG` → `NAME-TAG.tgz`).
    static func fileName(ofOCIReference display: String) -> String {
        let last = display.split(separator: "/").last.map(String.init) ?? display
        guard let colon = last.lastIndex(of: ":") else { return last + ".tgz" }
        return "\(last[..<colon])-\(last[last.index(after: colon)...]).tgz"
    }
}
