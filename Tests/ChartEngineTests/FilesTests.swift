import ChartEngine
import StructuredData
import Templating
import Testing

/// `.Files` (Helm's `engine.files`) through real templates and directly.
struct FilesTests {
    static let files: [String: String] = [
        "config/a.txt": "line1\nline2\n",
        "config/b.conf": "b=1",
        "config/sub/c.txt": "deep",
        "README.md": "readme",
    ]

    static func render(_ template: String) throws -> String {
        let c = try Fixtures.simple(["t.yaml": template], extraFiles: files)
        return try Fixtures.render(c)["mychart/templates/t.yaml"] ?? ""
    }

    @Test func getAndGetBytes() throws {
        #expect(try Self.render(#"{{ .Files.Get "README.md" }}|{{ .Files.Get "missing" }}|"#) == "readme||")
        #expect(try Self.render(#"{{ .Files.GetBytes "config/b.conf" }}"#) == "[98 61 49]")
    }

    @Test func lines() throws {
        #expect(try Self.render(#"{{ range .Files.Lines "config/a.txt" }}<{{ . }}>{{ end }}"#) == "<line1><line2>")
        #expect(try Self.render(#"{{ len (.Files.Lines "nope") }}"#) == "0")
    }

    struct GlobCase: CustomTestStringConvertible, Sendable {
        var pattern: String
        var names: [String]
        var testDescription: String { pattern }
    }

    static let globs: [GlobCase] = [
        GlobCase(pattern: "config/*", names: ["config/a.txt", "config/b.conf"]),
        GlobCase(pattern: "config/**", names: ["config/a.txt", "config/b.conf", "config/sub/c.txt"]),
        GlobCase(pattern: "**.txt", names: ["config/a.txt", "config/sub/c.txt"]),
        GlobCase(pattern: "config/*.{txt,conf}", names: ["config/a.txt", "config/b.conf"]),
        GlobCase(pattern: "config/[ab].*", names: ["config/a.txt", "config/b.conf"]),
        GlobCase(pattern: "config/[!a].*", names: ["config/b.conf"]),
        GlobCase(pattern: "?EADME.md", names: ["README.md"]),
        // An invalid pattern matches everything (Helm falls back to "**").
        GlobCase(pattern: "config/[", names: ["README.md", "config/a.txt", "config/b.conf", "config/sub/c.txt"]),
    ]

    @Test(arguments: globs)
    func glob(_ c: GlobCase) {
        let f = FilesObject(Self.files.mapValues { Array($0.utf8) })
        #expect(f.glob(c.pattern).files.keys.sorted() == c.names)
    }

    @Test func asConfigAndAsSecrets() throws {
        #expect(try Self.render(#"{{ (.Files.Glob "config/*").AsConfig }}"#)
            == "a.txt: |\n  line1\n  line2\nb.conf: b=1")
        #expect(try Self.render(#"{{ (.Files.Glob "config/*").AsSecrets }}"#)
            == "a.txt: bGluZTEKbGluZTIK\nb.conf: Yj0x")
    }

    @Test func specialFilesAreNotInFiles() throws {
        let c = try Fixtures.simple(["t.yaml": "x"], values: "a: 1\n",
                                    extraFiles: ["crds/c.yaml": "kind: X", ".helmignore": "*.bak\n",
                                                 "charts/x.prov": "sig"])
        let names = c.files.map(\.name).sorted()
        #expect(names == [".helmignore", "charts/x.prov", "crds/c.yaml"])
    }
}
