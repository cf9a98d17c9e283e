import KubeClient
import StructuredData
import Testing
@testable import ChartEngine

@Suite struct LineDiffTests {
    /// Splits "a b c" into lines.
    static func words(_ s: String) -> [String] { s.split(separator: " ").map(String.init) }

    /// The edit script in a compact form: "=a -b +c".
    static func script(_ a: String, _ b: String) -> String {
        LineDiff.edits(words(a), words(b)).map { l in
            (l.op == .equal ? "=" : l.op == .delete ? "-" : "+") + l.text
        }.joined(separator: " ")
    }

    @Test(arguments: [
        // (old, new, shortest edit script)
        ("", "", ""),
        ("", "a b", "+a +b"),
        ("a b", "", "-a -b"),
        ("a b c", "a b c", "=a =b =c"),
        ("a c", "a b c", "=a +b =c"),
        ("a b c", "a c", "=a -b =c"),
        ("a b c", "a x c", "=a -b +x =c"),
        ("x a b", "a b y", "-x =a =b +y"),
        ("a b c a b b a", "c b a b a c", "-a -b =c +b =a =b -b =a +c"),
    ])
    func editScripts(_ old: String, _ new: String, _ expected: String) {
        #expect(Self.script(old, new) == expected)
    }

    @Test(arguments: [
        ("a b c a b b a", "c b a b a c"),
        ("1 2 3 4 5 6 7 8", "0 2 3 5 6 9 8 10"),
        ("a a a a", "a b a b a"),
    ])
    func editScriptsAreShortestAndReplay(_ old: String, _ new: String) {
        let a = Self.words(old), b = Self.words(new)
        let e = LineDiff.edits(a, b)
        #expect(e.filter { $0.op != .insert }.map(\.text) == a)
        #expect(e.filter { $0.op != .delete }.map(\.text) == b)
        // Edits = |a| + |b| - 2·LCS; check against a plain LCS table.
        var t = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in a.indices.reversed() {
            for j in b.indices.reversed() {
                t[i][j] = a[i] == b[j] ? t[i + 1][j + 1] + 1 : max(t[i + 1][j], t[i][j + 1])
            }
        }
        #expect(e.filter { $0.op != .equal }.count == a.count + b.count - 2 * t[0][0])
    }

    @Test func pastTheEditBudgetTheMiddleIsReplacedWhole() {
        let a = Self.words("p a b c q"), b = Self.words("p c x a q")
        let script = LineDiff.edits(a, b, maxEdits: 1).map { ($0.op == .equal ? "=" : $0.op == .delete ? "-" : "+") + $0.text }
        #expect(script.joined(separator: " ") == "=p -a -b -c +c +x +a =q")
        #expect(Self.script("p a b c q", "p c x a q") != script.joined(separator: " "))
    }

    @Test func largeInputsStayBounded() {
        // 20,000 lines with one line changed in the middle: prefix/suffix matching does the work.
        let a = (0..<20_000).map { "line \($0)" }
        var b = a
        b[10_000] = "changed"
        let h = LineDiff.hunks(a, b, context: 3)
        #expect(h.map(\.header) == ["@@ -9998,7 +9998,7 @@"])
        // Wholly different inputs past the budget: every old line removed, every new one added.
        let c = (0..<6_000).map { "other \($0)" }
        let e = LineDiff.edits(a, c)
        #expect(e.count == a.count + c.count && e.filter { $0.op == .equal }.isEmpty)
    }

    static let ten = (1...10).map { "l\($0)" }

    @Test(arguments: [
        // (new lines, context, expected hunk headers)
        (ten, 3, [String]()),
        (ten.map { $0 == "l5" ? "X" : $0 }, 3, ["@@ -2,7 +2,7 @@"]),
        (ten.map { $0 == "l5" ? "X" : $0 }, 0, ["@@ -5 +5 @@"]),
        (ten.map { $0 == "l1" ? "X" : $0 }, 3, ["@@ -1,4 +1,4 @@"]),
        // Changes 6 lines apart share a hunk with context 3; apart with context 2.
        (ten.map { $0 == "l2" || $0 == "l9" ? "X" : $0 }, 3, ["@@ -1,10 +1,10 @@"]),
        (ten.map { $0 == "l2" || $0 == "l9" ? "X" : $0 }, 2, ["@@ -1,4 +1,4 @@", "@@ -7,4 +7,4 @@"]),
        (Array(ten.dropFirst(3)), 1, ["@@ -1,4 +1 @@"]),
        (["l0"] + ten, 0, ["@@ -0,0 +1 @@"]),
        (ten + ["l11"], 2, ["@@ -9,2 +9,3 @@"]),
        ([], 3, ["@@ -1,10 +0,0 @@"]),
        (ten.map { $0 == "l5" ? "X" : $0 }, -1, ["@@ -1,10 +1,10 @@"]),
    ])
    func hunkHeaders(_ new: [String], _ context: Int, _ expected: [String]) {
        #expect(LineDiff.hunks(Self.ten, new, context: context).map(\.header) == expected)
    }

    @Test func renderedUnifiedText() {
        let old = "a: 1\nb: 2\nc: 3\n", new = "a: 1\nb: 5\nc: 3\nd: 4\n"
        let h = LineDiff.hunks(LineDiff.lines(old), LineDiff.lines(new), context: 1)
        #expect(LineDiff.render(h, colour: false) == "@@ -1,3 +1,4 @@\n a: 1\n-b: 2\n+b: 5\n c: 3\n+d: 4\n")
        let coloured = LineDiff.render(h, colour: true)
        #expect(coloured.contains("\u{1B}[31m-b: 2\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[32m+b: 5\u{1B}[0m"))
        #expect(coloured.hasPrefix("\u{1B}[33m@@ -1,3 +1,4 @@\u{1B}[0m\n"))
    }

    @Test(arguments: [("", [String]()), ("a", ["a"]), ("a\n", ["a"]), ("a\n\nb\n", ["a", "", "b"])])
    func splitsLines(_ text: String, _ expected: [String]) {
        #expect(LineDiff.lines(text) == expected)
    }
}

@Suite struct DiffRedactionTests {
    static func secret(_ data: [String: Value], string: [String: Value]? = nil) -> Value {
        var m: [String: Value] = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s"], "data": .map(data)]
        if let string { m["stringData"] = .map(string) }
        return .map(m)
    }

    @Test func sameChangedAddedAndRemovedKeys() {
        // "c2VjcmV0" = "secret" (6 bytes), "YQ==" = "a" (1 byte), "YWJj" = "abc".
        let old = Self.secret(["same": "c2VjcmV0", "changed": "YQ==", "gone": "YWJj"])
        let new = Self.secret(["same": "c2VjcmV0", "changed": "YWJj", "new": "YQ=="], string: ["plain": "hello"])
        let (o, n) = DiffAction.redactSecrets(old, new)
        #expect(o?["data"]?["same"] == "REDACTED # (6 bytes)")
        #expect(n?["data"]?["same"] == "REDACTED # (6 bytes)")
        #expect(o?["data"]?["changed"] == "-------- # (1 bytes)")
        #expect(n?["data"]?["changed"] == "++++++++ # (3 bytes)")
        #expect(o?["data"]?["gone"] == "-------- # (3 bytes)")
        #expect(n?["data"]?["new"] == "++++++++ # (1 bytes)")
        #expect(n?["stringData"]?["plain"] == "++++++++ # (5 bytes)")
        #expect(o?["stringData"] == nil)
        // Nothing secret survives in the YAML.
        for v in [o, n] {
            let text = YAML.encode(v ?? .null)
            #expect(!text.contains("c2VjcmV0") && !text.contains("YWJj") && !text.contains("hello"))
        }
        #expect(o?["metadata"]?["name"] == "s")
    }

    @Test func createdAndDeletedSecrets() {
        let s = Self.secret(["k": "c2VjcmV0"])
        let (o1, n1) = DiffAction.redactSecrets(nil, s)
        #expect(o1 == nil && n1?["data"]?["k"] == "++++++++ # (6 bytes)")
        let (o2, n2) = DiffAction.redactSecrets(s, nil)
        #expect(n2 == nil && o2?["data"]?["k"] == "-------- # (6 bytes)")
    }

    @Test func serverFieldsAreDropped() {
        let v: Value = ["kind": "ConfigMap", "status": ["x": 1],
                        "metadata": ["name": "c", "uid": "u", "resourceVersion": "7", "generation": 2,
                                     "creationTimestamp": "t", "managedFields": [["manager": "m"]], "labels": ["a": "b"]]]
        let expected: Value = ["kind": "ConfigMap", "metadata": ["name": "c", "labels": ["a": "b"]]]
        #expect(DiffAction.withoutServerFields(v) == expected)
        #expect(DiffAction.withoutServerFields(.string("x")) == .string("x"))
    }

    @Test func resourceChangeRendering() {
        let c = ResourceChange(kind: .changed, title: "default, web, Deployment (apps)",
                               old: "spec:\n  replicas: 1\n", new: "spec:\n  replicas: 3\n")
        #expect(c.rendered(context: 3, colour: false)
            == "default, web, Deployment (apps) has changed:\n@@ -1,2 +1,2 @@\n spec:\n-  replicas: 1\n+  replicas: 3\n")
        let added = ResourceChange(kind: .added, title: "default, c, ConfigMap (v1)", old: "", new: "a: 1\n")
        #expect(added.rendered(context: 3, colour: false)
            == "default, c, ConfigMap (v1) has been added:\n@@ -0,0 +1 @@\n+a: 1\n")
    }
}
