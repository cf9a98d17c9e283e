@testable import ChartEngine
import Foundation
import Templating
import Testing

/// `helm package`'s fast path (values.yaml checked on a second thread, direct file reads, the
/// in-place tar writer, chunked deflate) must give exactly what the plain sequential build gives:
/// the same archive bytes, or the same error.
struct PackageFastPathTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Files to write (relative path → contents); a value starting with "->" makes a symlink.
        var files: [String: String]
        var options = ChartPackager.Options()
        /// The error expected from both paths, or nil when packaging succeeds.
        var error: String?
        var testDescription: String { name }
    }

    static let chart = "apiVersion: v2\nname: x\nversion: 1.0.0\n"

    static let cases: [Case] = [
        Case(name: "plain values", files: ["Chart.yaml": chart, "values.yaml": "a: 1\nb: [x, y]\n",
                                           "templates/t.yaml": "k: {{ .Values.a }}\n"]),
        Case(name: "no values.yaml", files: ["Chart.yaml": chart, "templates/t.yaml": "k: v\n"]),
        Case(name: "empty values.yaml", files: ["Chart.yaml": chart, "values.yaml": ""]),
        Case(name: "values.yaml with a BOM", files: ["Chart.yaml": chart, "values.yaml": "\u{FEFF}a: 1\n"]),
        Case(name: "several documents", files: ["Chart.yaml": chart, "values.yaml": "a: 1\n---\nb: 2\n"]),
        Case(name: "values.yaml ignored", files: ["Chart.yaml": chart, "values.yaml": "a: [\n",
                                                  ".helmignore": "values.yaml\n"]),
        Case(name: "values.yaml a symlink", files: ["Chart.yaml": chart, "real.txt": "a: 1\n",
                                                    "values.yaml": "->real.txt"]),
        Case(name: "values.yaml a dangling symlink", files: ["Chart.yaml": chart, "values.yaml": "->nowhere"],
             error: "DIR/values.yaml"),
        Case(name: "invalid values YAML", files: ["Chart.yaml": chart, "values.yaml": "a: [\n"],
             error: "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: "
                 + "yaml: line 1: did not find expected node content"),
        Case(name: "values.yaml a list", files: ["Chart.yaml": chart, "values.yaml": "- a\n"],
             error: "cannot load values.yaml: cannot unmarshal yaml document: error unmarshaling JSON: "
                 + "while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"),
        Case(name: "bad separator", files: ["Chart.yaml": chart, "values.yaml": "a: 1\n--- x\n"],
             error: "cannot load values.yaml: error reading yaml document: invalid Yaml document separator: x"),
        // Chart.yaml sorts before values.yaml, so its error is the one reported.
        Case(name: "invalid Chart.yaml and values", files: ["Chart.yaml": "a: [\n", "values.yaml": "a: [\n"],
             error: "cannot load Chart.yaml: error converting YAML to JSON: yaml: line 1: did not find expected node content"),
        // Validation runs after the files are read: the values error comes first.
        Case(name: "invalid values and missing version",
             files: ["Chart.yaml": "apiVersion: v2\nname: x\n", "values.yaml": "a: [\n"],
             error: "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: "
                 + "yaml: line 1: did not find expected node content"),
        Case(name: "valid values and a bad --version", files: ["Chart.yaml": chart, "values.yaml": "a: 1\n"],
             options: .init(version: "1.x"), error: "invalid semantic version"),
        Case(name: "subchart with invalid values",
             files: ["Chart.yaml": chart, "values.yaml": "a: 1\n",
                     "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
                     "charts/sub/values.yaml": "a: [\n"],
             error: "error unpacking subchart sub in x: cannot load values.yaml: cannot unmarshal yaml document: "
                 + "error converting YAML to JSON: yaml: line 1: did not find expected node content"),
        Case(name: "version and app-version", files: ["Chart.yaml": chart, "values.yaml": "a: 1\n"],
             options: .init(version: "2.0.0", appVersion: "9")),
    ]

    @Test(arguments: cases)
    func fastPathMatchesSequentialBuild(_ c: Case) throws {
        let dir = try ArchiveFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text) in c.files.sorted(by: { $0.key < $1.key }) {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            if text.hasPrefix("->") {
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: String(text.dropFirst(2)))
            } else {
                try ArchiveFixtures.write(Array(text.utf8), to: path)
            }
        }
        var fast: (fileName: String, bytes: [UInt8])?
        let fastError = ArchiveFixtures.error { fast = try ChartPackager.archive(directory: dir, options: c.options) }
        var plain: ChartPackager.Built?
        let plainError = ArchiveFixtures.error {
            plain = try LargeStack.run {
                try ChartPackager.build(directory: dir, options: c.options, valuesCheckedElsewhere: false)
            }
        }
        #expect(fastError == plainError)
        if let want = c.error {
            #expect(fastError?.replacingOccurrences(of: dir, with: "DIR").contains(want) == true,
                    "\(fastError ?? "no error")")
        } else {
            #expect(fastError == nil)
            #expect(fast?.fileName == plain?.fileName)
            #expect(fast?.bytes == plain?.bytes)
        }
    }

    /// The deflate output grows in chunks: incompressible input larger than the first chunk must
    /// still round-trip.
    @Test(arguments: [0, 1, 100_000, 3_000_000])
    func archiveGzipRoundTrips(_ size: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let data = (0..<size).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let gz = try GzipWriter.helmArchive(data)
        #expect(ArchiveFixtures.gunzip(gz) == data)
    }

    /// A tar stream written straight into the gzip stream (handed over in stretches, as `package`
    /// writes archives) is the same archive as the whole stream compressed at once: the same bytes,
    /// with files smaller and larger than a stretch, compressible and not.
    @Test func streamedArchiveIsTheWholeStreamCompressed() throws {
        var state: UInt64 = 42
        func file(_ size: Int, random: Bool) -> [UInt8] {
            (0..<size).map { i -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return random ? UInt8(truncatingIfNeeded: state >> 33) : UInt8(ascii: "a") + UInt8(i % 26)
            }
        }
        let files = [file(10, random: false), file(TarWriter.drainSize + 3, random: true), file(700_000, random: false),
                     file(0, random: false), file(5000, random: true)]
        var whole = TarWriter()
        let gzip = try HelmGzipStream()
        var streamed = TarWriter(streamingTo: gzip)
        for (i, data) in files.enumerated() {
            try whole.addFile(name: "c/f\(i)", data: data, modTime: 1_700_000_000 + Int64(i))
            try streamed.addFile(name: "c/f\(i)", data: data, modTime: 1_700_000_000 + Int64(i))
        }
        whole.finish()
        streamed.finish()
        #expect(streamed.bytes.isEmpty)
        let archive = try gzip.finish()
        #expect(archive == (try GzipWriter.helmArchive(whole.bytes)))
        #expect(ArchiveFixtures.gunzip(archive) == whole.bytes)
    }

    /// The in-place tar header writer: every name class (plain, split ustar, PAX) and an mtime too
    /// large for the octal field, against the reference bytes of Go's writer recorded by hand.
    @Test func tarHeaderFieldsAreGos() throws {
        var w = TarWriter()
        try w.addFile(name: "c/a.txt", data: Array("hi".utf8), modTime: 0o1234567)
        let h = Array(w.bytes.prefix(512))
        func field(_ off: Int, _ len: Int) -> String { String(decoding: h[off..<(off + len)], as: UTF8.self) }
        #expect(field(0, 8) == "c/a.txt\0")
        #expect(field(100, 8) == "0000644\0")
        #expect(field(108, 16) == "0000000\u{0}0000000\u{0}")
        #expect(field(124, 12) == "00000000002\0")
        #expect(field(136, 12) == "00001234567\0")
        #expect(h[156] == 0x30)
        #expect(field(257, 8) == "ustar\u{0}00")
        #expect(field(329, 16) == "0000000\u{0}0000000\u{0}")
        let sum = h.enumerated().reduce(0) { $0 + (148..<156 ~= $1.offset ? 0x20 : Int($1.element)) }
        #expect(field(148, 8) == String(sum, radix: 8).leftPadded(6) + "\0 ")
        #expect(w.bytes.count == 1024)

        // An mtime past the 11-digit octal field goes into a PAX record, with a 0 mtime in the header.
        var big = TarWriter()
        try big.addFile(name: "c/b", data: [], modTime: 1 << 34)
        let entries = try ArchiveReader.entries(of: try GzipWriter.helmArchive(big.bytes + [UInt8](repeating: 0, count: 1024)))
        #expect(entries.map(\.name) == ["b"])
        #expect(entries.first?.modTime == FileTime(seconds: 1 << 34))
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
