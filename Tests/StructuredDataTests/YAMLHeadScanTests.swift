import StructuredData
import Testing

/// `YAML.scanManifestHead`: when it answers, the document is valid YAML and the head fields are what a
/// full decode gives; outside its subset it answers nil (the caller decodes with libyaml).
@Suite struct YAMLHeadScanTests {
    /// A full decode reduced to what the scanner reports (nil when the decode fails).
    static func reference(_ doc: String) -> Value? {
        guard let full = try? YAML.decode(doc) else { return nil }
        guard case .map(let m) = full else { return full }
        var out: [String: Value] = [:]
        if let v = m["apiVersion"] { out["apiVersion"] = v }
        if let v = m["kind"] { out["kind"] = v }
        switch m["metadata"] {
        case nil: break
        case .map(let md)?: out["metadata"] = .map(md.filter { $0.key == "name" || $0.key == "annotations" })
        case let other?: out["metadata"] = other
        }
        return .map(out)
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: bench-gen-c1
          labels:
            helm.sh/chart: gen-1.0.0
            app.kubernetes.io/name: gen
            app.kubernetes.io/version: "2.1.0"
            component: c1
          annotations:
            checksum/config: 3f2a9d0c
            helm.sh/hook: pre-install,post-upgrade
            helm.sh/hook-weight: "-5"
        spec:
          replicas: 2
          selector:
            matchLabels:
              app.kubernetes.io/name: gen
          template:
            metadata:
              labels:
                app.kubernetes.io/name: gen
            spec:
              containers:
                - name: main
                  image: "registry.local/app1:2.1.0"
                  env:
                    - name: FEATURE_X
                      value: "on"
                    - name: SHARD
                      value: "1"
                  ports:
                    - containerPort: 8080
                    - containerPort: 9090
                  resources:
                    limits:
                      cpu: 500m
                      memory: 256Mi
                    requests: {}
              volumes: []
        """

    /// Documents the scanner must read itself (the usual shapes of rendered manifests).
    static let accepted: [String] = [
        deployment,
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 80\n    name: http\n  - port: 443\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 'single'\ndata:\n  a: \"x: y # z\"\n  b: plain, with [brackets]\n",
        "kind: A\nmetadata:\n",
        "kind: A\nmetadata: {}\n",
        "kind: A\nmetadata:\n  annotations:\n  name: web\n",
        "kind: A\nmetadata:\n  name: web\n  annotations: {}\n",
        "# leading comment\nkind: A\n\n# between\nmetadata:\n  name: web   \n",
        "kind: A\nspec:\n  list:\n    -\n    - x\n    -\n      - nested\n",
        "kind: A\nspec:\n  - a\n",
        "kind: A\nspec:\n  items:\n  - a: 1\n    b:\n      c: 2\n  - d\nnext: 1\n",
        "kind: A\nmetadata:\n  name: web\n  annotations:\n    a/b: yes-ish\n    c: \"true\"\n",
    ]

    /// Documents outside the subset (nil), whatever a full decode makes of them.
    static let declined: [String] = [
        "kind: A\nspec:\n  x: .nan\n",
        "kind: A\nspec:\n  x: -.Inf\n",
        "kind: A\nspec:\n  ~: 1\n",
        "kind: A\nspec:\n  0xFFFFFFFFFFFFFFFF: 1\n",
        "kind: A\nspec:\n  <<: {a: 1}\n",
        "kind: A\nspec: !!int x\n",
        "kind: &k A\nspec: *k\n",
        "kind: A\nspec:\n  a: b: c\n",
        "kind: A\nspec: [1, 2\n",
        "kind: A\nspec: x\n---\nkind: B\n",
        "kind: A\nspec: |\n  text\n",
        "kind: A\nspec:\n  x: multi\n    line\n",
        "kind: A\n\tspec: 1\n",
        "kind: A\r\nspec: 1\r\n",
        "kind: \"esc\\\"aped\"\n",
        "kind: A # comment\n",
        "kind: yes\n",
        "kind: 1.5\n",
        "kind: A\nkind: B\n",
        "metadata:\n  name: a\n  name: b\n",
        "metadata:\n- a\n",
        "metadata:\n  annotations:\n  - a\n",
        "metadata:\n  annotations:\n    w: 5\n",
        "metadata:\n  annotations:\n    on: x\n",
        "  kind: A\n",
        "- a\n- b\n",
        "just a scalar",
        "",
        "# only a comment\n",
        "kind: A\nspec:\n   a: 1\n  b: 2\n",
        "kind: A\nspec:\n  a: 1\n - b\n",
        "kind: A\n- b\n",
        "kind: A\nspec:\n  - a\n  b: 1\n",
        "kind: A\nspec: -1\n",
        "kind: Ä\n",
        "kind: A\nspec:\n  key with space: 1\n",
        "kind: A\nspec:\n  \"quoted\": 1\n",
        "kind: A\nspec:\n  ? complex\n  : 1\n",
    ]

    @Test(arguments: accepted)
    func readsPlainManifests(_ doc: String) {
        let head = YAML.scanManifestHead(doc)
        #expect(head != nil)
        #expect(head == Self.reference(doc))
    }

    @Test(arguments: declined)
    func declinesEverythingElse(_ doc: String) {
        #expect(YAML.scanManifestHead(doc) == nil)
    }

    /// Whenever the scanner answers, a full decode succeeds with the same head: variations of a real
    /// manifest, one edit each (indentation, characters, line breaks), checked exhaustively.
    @Test func answersOnlyWhatAFullDecodeGives() {
        let base = Array(Self.deployment.utf8)
        let edits: [[UInt8]] = [[], [32], [45, 32], [58], [35], [39], [34], [10], [123, 125], [91]]
        var answered = 0
        forEachSingleEdit(of: base, inserts: edits) { bytes in
            let doc = String(decoding: bytes, as: UTF8.self)
            guard let head = YAML.scanManifestHead(doc) else { return }
            answered += 1
            let ref = Self.reference(doc)
            #expect(ref != nil, "scanner accepted a document the decoder rejects: \(doc.debugDescription)")
            #expect(head == ref, "\(doc.debugDescription)")
        }
        #expect(answered > 1000)
    }
}
