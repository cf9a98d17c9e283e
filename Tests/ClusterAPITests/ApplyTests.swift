import ClusterAPI
import StructuredData
import Testing

/// Field-set format, validation and hostile input for server-side apply (scenarios are in
/// ApplyFixtureTests).
struct ApplyTests {
    static let schemas = ApplyTestSchemas.set
    static let deployment = schemas.root(for: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
    static let configMap = schemas.root(for: GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"))

    static func json(_ s: String) -> Value {
        (try? JSON.decodeKeepingIntegers(Array(s.utf8))) ?? .null
    }

    @Test func fieldSetOfDeploymentIsFieldsV1() {
        let obj = Self.json("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"d","labels":{"app":"web"}},
             "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"web","image":"nginx","args":["a"],
             "ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}]}]}}}}
            """)
        let want = Self.json("""
            {"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{
             "k:{\\"name\\":\\"web\\"}":{".":{},"f:name":{},"f:image":{},"f:args":{},
             "f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}},
             "f:env":{"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:value":{}}}}}}}}}
            """)
        #expect(ServerSideApply.fieldSet(of: obj, schema: Self.deployment, schemas: Self.schemas) == want)
    }

    @Test func fieldSetWithoutSchemaOwnsEveryMapKey() {
        let obj = Self.json(#"{"apiVersion":"x/v1","kind":"W","metadata":{"name":"w"},"spec":{"a":{"b":1},"l":[1,2]}}"#)
        let want = Self.json(#"{"f:spec":{"f:a":{".":{},"f:b":{}},"f:l":{}}}"#)
        #expect(ServerSideApply.fieldSet(of: obj, schema: nil, schemas: Self.schemas) == want)
    }

    @Test(arguments: [
        (#"[1]"#, "apply configuration must be an object"),
        (#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[]}}"#,
         "metadata.managedFields must be nil"),
        (#"{"apiVersion":"v1","kind":"ConfigMap","metadata":"c"}"#, "metadata must be an object"),
        (#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"a"}]}}}}"#,
         #".spec.template.spec.containers: duplicate entries for key [name="a"]"#),
        (#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"#,
         ".spec.template.spec.containers: element 0: associative list with keys has an element that omits key field \"name\" (and doesn't have default value)"),
    ])
    func invalidConfigurations(config: String, message: String) {
        let cfg = Self.json(config)
        let schema = ApplyFixtureTests.schema(for: cfg)
        #expect(throws: ApplyError.invalid(message)) {
            try ServerSideApply.apply(live: nil, config: cfg, manager: "m", force: false, time: "t",
                                      schema: schema, schemas: Self.schemas)
        }
    }

    @Test func emptyManagerIsRefused() {
        #expect(throws: ApplyError.invalid("fieldManager is required for apply requests")) {
            try ServerSideApply.apply(live: nil, config: ["kind": "ConfigMap"], manager: "", force: false, time: "t",
                                      schema: nil, schemas: Self.schemas)
        }
    }

    @Test func conflictCarriesCauseDetails() throws {
        let live = try ServerSideApply.apply(
            live: nil, config: Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}"#),
            manager: "helm", force: false, time: "t1", schema: Self.configMap, schemas: Self.schemas)
        do {
            _ = try ServerSideApply.apply(
                live: live, config: Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"2"}}"#),
                manager: "kubectl", force: false, time: "t2", schema: Self.configMap, schemas: Self.schemas)
            Issue.record("expected a conflict")
        } catch {
            guard case .conflicts(let cs) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(cs == [ApplyConflict(manager: "helm", operation: "Apply", apiVersion: "v1", subresource: nil, field: ".data.a")])
            #expect(cs.first?.causeMessage == "conflict with \"helm\"")
            #expect(error.message == "Apply failed with 1 conflict: conflict with \"helm\": .data.a")
        }
    }

    @Test func malformedFieldsV1InLiveIsReset() throws {
        let live = Self.json("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[
             {"manager":"x","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"q:bad":{}}}]},"data":{"a":"1"}}
            """)
        let out = try ServerSideApply.apply(
            live: live, config: Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}"#),
            manager: "helm", force: false, time: "t", schema: Self.configMap, schemas: Self.schemas)
        let managers = out.lookup(["metadata", "managedFields"])?.listValue?.compactMap { $0["manager"]?.stringValue }
        #expect(managers == ["helm", "before-first-apply"])
    }

    @Test func clientSentEmptyEntryClearsManagedFields() throws {
        let live = try ServerSideApply.apply(
            live: nil, config: Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}"#),
            manager: "helm", force: false, time: "t1", schema: Self.configMap, schemas: Self.schemas)
        let new = Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[{}]},"data":{"a":"1"}}"#)
        let out = ServerSideApply.recordUpdate(old: live, new: new, manager: "kubectl", subresource: nil, time: "t2",
                                               schema: Self.configMap, schemas: Self.schemas)
        #expect(out.lookup(["metadata", "managedFields"]) == nil)
        #expect(out["data"] == ["a": "1"])
    }

    @Test func clientSentManagedFieldsAreKept() throws {
        // Helm's client-side-apply migration rewrites ownership with a JSON patch on managedFields.
        let live = ServerSideApply.recordUpdate(
            old: nil, new: Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}"#),
            manager: "kubectl-client-side-apply", subresource: nil, time: "t1", schema: Self.configMap, schemas: Self.schemas)
        let migrated = Self.json("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[
             {"manager":"helm","operation":"Apply","apiVersion":"v1","time":"t1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}]},
             "data":{"a":"1"}}
            """)
        let out = ServerSideApply.recordUpdate(old: live, new: migrated, manager: "helm", subresource: nil, time: "t2",
                                               schema: Self.configMap, schemas: Self.schemas)
        #expect(out.lookup(["metadata", "managedFields"]) == migrated.lookup(["metadata", "managedFields"]))
    }

    @Test func deepAndHostileInputDoesNotCrash() throws {
        func nest(_ n: Int) -> Value {
            var deep: Value = "leaf"
            for i in 0..<n { deep = .map(["k\(i % 3)": deep]) }
            return deep
        }
        let tooDeep: Value = ["apiVersion": "x/v1", "kind": "W", "metadata": ["name": "w"], "spec": nest(1000)]
        #expect(throws: ApplyError.invalid("apply configuration nests deeper than 150 levels")) {
            try ServerSideApply.apply(live: nil, config: tooDeep, manager: "m", force: false, time: "t",
                                      schema: nil, schemas: Self.schemas)
        }
        // Non-apply writes of deep objects are tracked down to the walkers' depth limit.
        let stored = ServerSideApply.recordUpdate(old: nil, new: tooDeep, manager: "m", subresource: nil, time: "t",
                                                  schema: nil, schemas: Self.schemas)
        var changed = tooDeep.mapValue ?? [:]
        changed["spec"] = nest(999)
        let updated = ServerSideApply.recordUpdate(old: stored, new: .map(changed), manager: "n", subresource: nil,
                                                   time: "t2", schema: nil, schemas: Self.schemas)
        // The top key changed (k0 → k2), so everything moved from m to n.
        let owners = updated.lookup(["metadata", "managedFields"])?.listValue?.compactMap { $0["manager"]?.stringValue }
        #expect(owners == ["n"])
        let cfg: Value = ["apiVersion": "x/v1", "kind": "W", "metadata": ["name": "w"], "spec": nest(140)]
        let out = try ServerSideApply.apply(live: nil, config: cfg, manager: "m", force: false, time: "t",
                                            schema: nil, schemas: Self.schemas)
        let again = try ServerSideApply.apply(live: out, config: cfg, manager: "m", force: false, time: "t2",
                                              schema: nil, schemas: Self.schemas)
        #expect(again == out)
        // Live objects of the wrong shape everywhere.
        let weird: Value = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d", "managedFields": 7],
                            "spec": ["template": ["spec": ["containers": "nope"]]]]
        let cfg2 = Self.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"i"}]}}}}"#)
        let merged = try ServerSideApply.apply(live: weird, config: cfg2, manager: "m", force: true, time: "t",
                                               schema: Self.deployment, schemas: Self.schemas)
        #expect(merged.lookup(["spec", "template", "spec", "containers"]) == cfg2.lookup(["spec", "template", "spec", "containers"]))
    }

    @Test func updateEntriesAreCappedIntoAncientChanges() {
        var obj = Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{}}"#)
        for i in 0..<12 {
            var new = obj.mapValue ?? [:]
            var data = new["data"]?.mapValue ?? [:]
            data["k\(i)"] = "v"
            new["data"] = .map(data)
            obj = ServerSideApply.recordUpdate(old: obj, new: .map(new), manager: "m\(i)", subresource: nil,
                                               time: "2026-01-01T00:00:\(10 + i)Z", schema: Self.configMap,
                                               schemas: Self.schemas)
        }
        let entries = obj.lookup(["metadata", "managedFields"])?.listValue ?? []
        #expect(entries.count == 11)
        let bucket = entries.first { $0["manager"] == "ancient-changes" }
        #expect(bucket?["fieldsV1"] == Self.json(#"{"f:data":{"f:k0":{},"f:k1":{}}}"#))
        #expect(bucket?["time"] == "2026-01-01T00:00:11Z")
        #expect(entries.contains { $0["manager"] == "m2" } && !entries.contains { $0["manager"] == "m1" })
    }

    @Test func applyThroughStatusAppliesOnlyStatus() throws {
        let live = try ServerSideApply.apply(
            live: nil, config: Self.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":1}}"#),
            manager: "helm", force: false, time: "t1", schema: Self.deployment, schemas: Self.schemas, ignoreStatus: true)
        let out = try ServerSideApply.apply(
            live: live,
            config: Self.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"x":"y"}},"spec":{"replicas":9},"status":{"replicas":1}}"#),
            manager: "ctl", force: false, time: "t2", schema: Self.deployment, schemas: Self.schemas, subresource: "status")
        #expect(out["spec"] == ["replicas": 1])
        #expect(out["status"] == ["replicas": 1])
        #expect(out.lookup(["metadata", "labels"]) == nil)
        let entry = out.lookup(["metadata", "managedFields"])?.listValue?.first { $0["manager"] == "ctl" }
        #expect(entry?["subresource"] == "status")
        #expect(entry?["fieldsV1"] == Self.json(#"{"f:status":{"f:replicas":{}}}"#))
    }

    static let malformedManagedFields: [String] = [
        #""nope""#,
        #"[1]"#,
        #"[{"manager":"x","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{"x":{}}}}}]"#,
        #"[{"manager":"x","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:data":[]}}]"#,
        #"[{"manager":"x","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"k:[1]":{}}}]"#,
        #"[{"manager":"x","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"k:{bad":{}}}]"#,
        #"[{"manager":"x","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"i:-1":{}}}]"#,
        #"[{"manager":"x","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"v:{":{}}}]"#,
        #"[{"manager":"x","operation":"Update","fieldsType":"FieldsV2","fieldsV1":{}}]"#,
        #"[{"manager":7,"operation":"Update"}]"#,
        #"[{"manager":"x","operation":"Update","time":5}]"#,
    ]

    @Test(arguments: malformedManagedFields)
    func malformedManagedFieldsAreReset(managedFields: String) throws {
        var live = Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}"#).mapValue ?? [:]
        var meta = live["metadata"]?.mapValue ?? [:]
        meta["managedFields"] = Self.json(managedFields)
        live["metadata"] = .map(meta)
        let out = try ServerSideApply.apply(
            live: .map(live), config: Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"b":"2"}}"#),
            manager: "helm", force: false, time: "t", schema: Self.configMap, schemas: Self.schemas)
        let managers = out.lookup(["metadata", "managedFields"])?.listValue?.compactMap { $0["manager"]?.stringValue }
        #expect(managers == ["helm", "before-first-apply"])
        // A non-apply write over the same live object also starts from scratch.
        let updated = ServerSideApply.recordUpdate(old: .map(live), new: out, manager: "m", subresource: "scale", time: "t2",
                                                   schema: Self.configMap, schemas: Self.schemas)
        #expect(updated.lookup(["metadata", "managedFields"])?.listValue?.compactMap { $0["manager"]?.stringValue } == ["m"])
    }

    @Test func deeplyNestedFieldsV1IsReset() throws {
        var fields: Value = [:]
        for _ in 0..<1000 { fields = ["f:a": fields] }
        let live: Value = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": [
            "name": "c",
            "managedFields": [["manager": "x", "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": fields]],
        ]]
        let out = try ServerSideApply.apply(
            live: live, config: Self.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"b":"2"}}"#),
            manager: "helm", force: false, time: "t", schema: Self.configMap, schemas: Self.schemas)
        #expect(out.lookup(["metadata", "managedFields"])?.listValue?.count == 1)
    }
}

