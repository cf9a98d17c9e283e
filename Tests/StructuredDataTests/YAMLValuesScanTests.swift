import StructuredData
import Testing

/// `YAML.certainlyDecodesToMap`: when it says true, a full decode (numbers as float64) succeeds with a
/// map or null; outside its subset, and for invalid documents, it says false (the caller decodes).
@Suite struct YAMLValuesScanTests {
    /// Whether the full decode succeeds with a map or null (what the scan promises).
    static func decodesToMap(_ doc: String) -> Bool {
        switch try? YAML.decode(doc) {
        case .map?, .null?: true
        default: false
        }
    }

    static func scan(_ doc: String) -> Bool { YAML.certainlyDecodesToMap(Array(doc.utf8)) }

    /// A values file using everything the subset holds.
    static let values = """
        # Default values.
        replicaCount: 2
        image:
          repository: registry.local/app   # where from
          tag: ""
          pullPolicy: IfNotPresent
        nameOverride: ''
        "quoted.key/with:colon": 'it''s'
        ports: [8080, 9090, "x", 'y']
        empty: []
        none: {}
        ratio: -0.5
        env:
          LOG_LEVEL: info
          URL: http://example.com:8080/path?q=1
        list:
        - name: a
          value: 1
        - name: b
          nested:
            - x
            - y
        -
          - z
        - plain item
        - 'quoted item'
        script: |
          #!/bin/sh
          echo "hello: world" # not a comment

          exit 0
        folded: >-
          one
          two
        nullValue:
        afterNull: ~
        resources:
          limits:
            cpu: 500m
            memory: 256Mi
        """

    static let accepted: [String] = [
        "",
        "# only a comment\n",
        "a: 1",
        "a: 1\n",
        "a:\n",
        "a:\n  b:\n    c: d\n",
        "a:\n- 1\n- 2\nb: 3\n",
        "a:\n  - 1\n  - 2\nb: 3\n",
        "x:\n- a: 1\n",
        "a: |\n  text\n    more\nb: 1\n",
        "a: |-\n\n  text\n",
        "a: >+\n  text\n\n",
        "k: v # c\n",
        "k: 'a # b'\n",
        "k: \"a # b\"\n",
        "k: a#b\n",
        "k: [a b, c]\n",
        "k: -1\n",
        "k: .5\n",
        "k: 1e3\n",
        "k: yes\n",
        "key-with.dots/and-slashes: v\n",
        "a:\n  # comment\n  b: 1\n",
        "a:\n# comment at column 0\n  b: 1\n",
        "list:\n- a: 1\n  b:\n  - x\n  c: 2\n",
    ]

    static let declined: [String] = [
        // Not maps.
        "- 1\n", "text\n", "[1, 2]\n", "  a: 1\n",
        // Invalid YAML.
        "a: b: c\n", "a: 1\n b: 2\n", "a:\n  b: 1\n c: 2\n", "a: \"open\n", "a: [1, 2\n", "a: b\n  c\n",
        "a: - 1\n", "a: -\n", "a: 1\n- 2\n", "a: |\n    x\n  y\n", "a: 'x' y\n", "a: [1, [2]]\n",
        // NaN/±Inf (JSON cannot hold them), special keys.
        "a: .nan\n", "a: -.inf\n", "a: [.inf]\n", "~: 1\n", "null: 1\n", "1: a\n", "true: 1\n",
        // Outside the subset.
        "a: &x 1\nb: *x\n", "<<: {}\n", "a: !!str 1\n", "a: \"\\n\"\n", "a: {b: 1}\n", "a:\n\tb: 1\n",
        "a: 1\r\n", "a: é\n", "---\na: 1\n", "a: 1\n---\nb: 2\n", "%YAML 1.1\n---\na: 1\n", "? a\n: 1\n",
        "a: |2\n  x\n", "a: |\n  \n  x\n", "my key: 1\n", "a:\n-\n  b: 1\n", "a: <<\n", "a: =\n",
    ]

    @Test func acceptsThePlainValuesFile() {
        #expect(Self.scan(Self.values))
        #expect(Self.decodesToMap(Self.values))
    }

    @Test(arguments: accepted)
    func acceptsPlainDocuments(_ doc: String) {
        #expect(Self.scan(doc), "\(doc.debugDescription)")
        #expect(Self.decodesToMap(doc), "\(doc.debugDescription)")
    }

    @Test(arguments: declined)
    func declinesEverythingElse(_ doc: String) {
        #expect(!Self.scan(doc), "\(doc.debugDescription)")
    }

    /// Whenever the scan says true, a full decode succeeds with a map: variations of the values file
    /// above, one edit each (indentation, indicators, quotes, line breaks), checked exhaustively.
    @Test func answersTrueOnlyWhenTheDecodeSucceeds() {
        let base = Array(Self.values.utf8)
        let edits: [[UInt8]] = [[], [32], [45, 32], [58], [35], [39], [34], [10], [123, 125], [91], [93], [44],
                                [124], [62], [46], [45], [10, 32]]
        var answered = 0
        var wrong: [String] = []
        forEachSingleEdit(of: base, inserts: edits) { bytes in
            guard YAML.certainlyDecodesToMap(bytes) else { return }
            answered += 1
            let doc = String(decoding: bytes, as: UTF8.self)
            if !Self.decodesToMap(doc) { wrong.append(doc) }
        }
        #expect(wrong.isEmpty, "accepted documents the decoder rejects: \(wrong.prefix(3).map(\.debugDescription))")
        #expect(answered > 5000)
    }
}
