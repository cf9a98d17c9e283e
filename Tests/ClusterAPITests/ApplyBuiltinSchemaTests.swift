import ClusterAPI
import StructuredData
import Testing

/// Server-side apply over the real built-in schema table: field sets shaped as a real cluster
/// writes them (atomic `selector`s and key selectors, inline volume sources, keyed ports with the
/// defaulted protocol) and a Helm install → kubectl scale → upgrade cycle.
struct ApplyBuiltinSchemaTests {
    static let schemas = BuiltinSchemas.all

    static func json(_ s: String) -> Value {
        (try? JSON.decodeKeepingIntegers(Array(s.utf8))) ?? .null
    }

    static func root(_ apiVersion: String, _ kind: String) -> MessageSchema? {
        schemas.root(for: GroupVersionKind(apiVersion: apiVersion, kind: kind))
    }

    static let deployment = json("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{
           "containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80}],
             "env":[{"name":"A","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"a"}}},{"name":"B","value":"b"}],
             "volumeMounts":[{"name":"cfg","mountPath":"/etc/cfg"}],"resources":{"limits":{"cpu":"1"}}}],
           "volumes":[{"name":"cfg","configMap":{"name":"cfg"}}]}}}}
        """)

    @Test func deploymentFieldSetMatchesARealCluster() {
        let want = Self.json("""
            {"f:metadata":{"f:labels":{"f:app":{}}},
             "f:spec":{"f:replicas":{},"f:selector":{},"f:strategy":{"f:type":{},"f:rollingUpdate":{"f:maxSurge":{}}},
              "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{
               "f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:name":{},"f:image":{},
                 "f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}},
                 "f:env":{"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:valueFrom":{"f:configMapKeyRef":{}}},
                          "k:{\\"name\\":\\"B\\"}":{".":{},"f:name":{},"f:value":{}}},
                 "f:volumeMounts":{"k:{\\"mountPath\\":\\"/etc/cfg\\"}":{".":{},"f:name":{},"f:mountPath":{}}},
                 "f:resources":{"f:limits":{"f:cpu":{}}}}},
               "f:volumes":{"k:{\\"name\\":\\"cfg\\"}":{".":{},"f:name":{},"f:configMap":{"f:name":{}}}}}}}}
            """)
        let got = ServerSideApply.fieldSet(of: Self.deployment, schema: Self.root("apps/v1", "Deployment"),
                                           schemas: Self.schemas)
        #expect(got == want, "\(JSON.encode(got))")
    }

    @Test func serviceSelectorIsAtomicAndPortsKeyed() {
        let svc = Self.json("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
             "spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":"http"}]}}
            """)
        let want = Self.json("""
            {"f:spec":{"f:selector":{},"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{},"f:targetPort":{}}}}}
            """)
        #expect(ServerSideApply.fieldSet(of: svc, schema: Self.root("v1", "Service"), schemas: Self.schemas) == want)
    }

    @Test func helmInstallScaleUpgradeCycle() throws {
        let schema = Self.root("apps/v1", "Deployment")
        let installed = try ServerSideApply.apply(live: nil, config: Self.deployment, manager: "python", force: false,
                                                  time: "t1", schema: schema, schemas: Self.schemas, ignoreStatus: true)
        // kubectl scale writes spec.replicas through /scale.
        var scaledSpec = installed["spec"]?.mapValue ?? [:]
        scaledSpec["replicas"] = 4
        var scaled = installed.mapValue ?? [:]
        scaled["spec"] = .map(scaledSpec)
        let afterScale = ServerSideApply.recordUpdate(old: installed, new: .map(scaled), manager: "kubectl",
                                                      subresource: "scale", time: "t2", schema: schema,
                                                      schemas: Self.schemas)
        // The upgrade drops env B, the volume and its mount, and keeps replicas 2 → conflict.
        var chart = Self.json("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{
               "containers":[{"name":"web","image":"nginx:2","ports":[{"containerPort":80}],
                 "env":[{"name":"A","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"a"}}}]}]}}}}
            """)
        #expect(throws: ApplyError.conflicts([ApplyConflict(manager: "kubectl", operation: "Update", apiVersion: "apps/v1",
                                                            subresource: "scale", field: ".spec.replicas")])) {
            try ServerSideApply.apply(live: afterScale, config: chart, manager: "python", force: false, time: "t3",
                                      schema: schema, schemas: Self.schemas, ignoreStatus: true)
        }
        // Without replicas in the chart the upgrade goes through and removes what it dropped.
        var spec = chart["spec"]?.mapValue ?? [:]
        spec.removeValue(forKey: "replicas")
        var c = chart.mapValue ?? [:]
        c["spec"] = .map(spec)
        chart = .map(c)
        let upgraded = try ServerSideApply.apply(live: afterScale, config: chart, manager: "python", force: false,
                                                 time: "t3", schema: schema, schemas: Self.schemas, ignoreStatus: true)
        #expect(upgraded.lookup(["spec", "replicas"]) == 4)
        #expect(upgraded.lookup(["spec", "strategy"]) == nil)
        let podSpec = upgraded.lookup(["spec", "template", "spec"])
        #expect(podSpec?["volumes"] == nil)
        let container = podSpec?["containers"]?.listValue?.first
        #expect(container?["image"] == "nginx:2")
        #expect(container?["volumeMounts"] == nil)
        #expect(container?["resources"] == nil)
        #expect(container?["env"] == Self.json(#"[{"name":"A","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"a"}}}]"#))
        let owners = upgraded.lookup(["metadata", "managedFields"])?.listValue?.map {
            "\($0["manager"]?.stringValue ?? "")/\($0["operation"]?.stringValue ?? "")/\($0["time"]?.stringValue ?? "")"
        }
        #expect(owners == ["python/Apply/t3", "kubectl/Update/t2"])
    }

    @Test func controllerStatusWriteMarksNewContainers() {
        let schema = Self.root("apps/v1", "Deployment")
        let old = Self.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1},"status":{}}"#)
        let new = Self.json("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","annotations":{"deployment.kubernetes.io/revision":"1"}},
             "spec":{"replicas":1},"status":{"replicas":1,"conditions":[{"type":"Available","status":"True"}]}}
            """)
        let out = ServerSideApply.recordUpdate(old: old, new: new, manager: "kube-controller-manager", subresource: nil,
                                               time: "t", schema: schema, schemas: Self.schemas)
        // The shape a real kube-controller-manager entry has.
        let want = Self.json("""
            {"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},
             "f:status":{"f:replicas":{},"f:conditions":{".":{},"k:{\\"type\\":\\"Available\\"}":{".":{},"f:type":{},"f:status":{}}}}}
            """)
        #expect(out.lookup(["metadata", "managedFields"])?.listValue?.first?["fieldsV1"] == want)
    }
}

