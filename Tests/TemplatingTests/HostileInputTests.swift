import StructuredData
import Templating
import Testing

/// Malformed and hostile templates must give errors, never crashes or hangs.
@Suite struct HostileInputTests {
    @Test func deeplyNestedParenthesesAreRefused() {
        let text = "{{ " + String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000) + " }}"
        #expect(renderError(text) == "template: t:1: max expression depth exceeded")
    }

    @Test func deeplyNestedIfsAreRefused() {
        let text = String(repeating: "{{ if 1 }}", count: 20_000) + String(repeating: "{{ end }}", count: 20_000)
        #expect(renderError(text) == "template: t:1: max expression depth exceeded")
    }

    @Test func runawayTemplateRecursionStopsWithGoError() throws {
        // Go allows 100000 nested {{template}} calls; run on a large stack as the renderer does.
        let text = #"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#
        let message = try LargeStack.run { renderError(text) }
        #expect(message.hasSuffix("exceeded maximum template depth (100000)"))
    }

    @Test func invalidUTF8InTemplateIsHandled() {
        let bytes: [UInt8] = [0x7B, 0x7B, 0x20, 0xFF, 0xFE, 0x20, 0x7D, 0x7D]
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(renderError(text).hasPrefix("template: t:1: unrecognized character in action: U+FFFD"))
    }

    /// A seeded mutation fuzzer over template snippets: parsing never crashes.
    @Test func fuzzLexerAndParser() {
        let seeds = [
            "{{ if .a }}x{{ else if .b }}y{{ else }}z{{ end }}", "{{ range $i, $e := .l }}{{ $e }}{{ end }}",
            #"{{ define "a" }}{{ template "a" . }}{{ end }}"#, "{{- /* c */ -}}", #"{{ printf "%d" (len .x) | quote }}"#,
            "{{ with $x := 1 }}{{ $x = 2 }}{{ end }}", "{{ 0x1p-2 }}{{ 'a' }}{{ `raw` }}", "{{ .a.b.c }}{{ $.x }}",
        ]
        let alphabet = Array("{}()|$.:=\"'` -/*\nabcifelsendrangewith0123456789".utf8)
        let random = RandomSource(seed: 42)
        var parsed = 0
        for i in 0..<3000 {
            var bytes = Array(seeds[i % seeds.count].utf8)
            for _ in 0..<(1 + Int(random.next(below: 6))) {
                let op = random.next(below: 3)
                let at = bytes.isEmpty ? 0 : Int(random.next(below: UInt64(bytes.count)))
                switch op {
                case 0: bytes.insert(alphabet[Int(random.next(below: UInt64(alphabet.count)))], at: at)
                case 1: if !bytes.isEmpty { bytes.remove(at: at) }
                default: if !bytes.isEmpty { bytes[at] = UInt8(truncatingIfNeeded: random.next()) }
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if (try? TemplateSet.parse([TemplateSource(name: "f", text: text)], functions: .standard)) != nil {
                parsed += 1
            }
        }
        // Some mutants stay valid, most do not; both paths were exercised without crashing.
        #expect(parsed > 0 && parsed < 3000)
    }

    @Test func parsedSetRendersConcurrently() async throws {
        let set = try TemplateSet.parse([TemplateSource(name: "t", text: #"{{ range $k, $v := .Values }}{{ $k }}={{ $v }};{{ end }}"#)],
                                        functions: .standard)
        try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<64 {
                group.addTask {
                    let data = TemplateValue.map(["Values": TemplateValue(Value.map(["n": .int(Int64(i))]))])
                    return try set.execute("t", data: data)
                }
            }
            var seen = Set<String>()
            for try await out in group { seen.insert(out) }
            #expect(seen.count == 64)
        }
    }
}

@Suite struct RunawayLimitTests {
    @Test func hugeRangeIsRefusedNotHung() throws {
        let set = try TemplateSet.parse([TemplateSource(name: "t", text: "{{ range 1000000000 }}{{ end }}")],
                                        functions: .standard)
        var options = ExecutionOptions()
        options.maxRangeIterations = 10_000
        #expect(throws: TemplateError.self) { try set.execute("t", data: .null, options: options) }
        do {
            _ = try set.execute("t", data: .null, options: options)
        } catch {
            #expect("\(error)".contains("range exceeds the limit of 10000 iterations"))
        }
    }

    @Test func runawayOutputIsRefused() throws {
        let set = try TemplateSet.parse([TemplateSource(name: "t", text: "{{ range 100000 }}0123456789{{ end }}")],
                                        functions: .standard)
        var options = ExecutionOptions()
        options.maxOutputBytes = 1000
        do {
            _ = try set.execute("t", data: .null, options: options)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("output exceeds the limit of 1000 bytes"))
        }
    }
}

@Suite struct BinaryStringTests {
    /// Go strings hold arbitrary bytes: b64dec of binary data keeps them for len, b64enc and sha256sum.
    @Test(arguments: ["/wD+AQ==", "gICA", "wyg="])
    func binaryRoundTrip(_ b64: String) throws {
        #expect(try render("{{ b64dec \"\(b64)\" | b64enc }}") == b64)
        let bytes = try #require(try? Base64.decode(b64).get())
        #expect(try render("{{ b64dec \"\(b64)\" | len }}") == String(bytes.count))
        #expect(try render("{{ typeOf (b64dec \"\(b64)\") }}") == "string")
    }
}
