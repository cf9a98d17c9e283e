import ClusterAPI
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// CustomResourceDefinitions: registered kinds appear in discovery; the definition reports
/// `NamesAccepted` and `Established`; deleting one deletes its custom resources first.
extension Reconciler {
    func customResourceDefinitions(_ objects: [Stored]) async {
        let crds = objects.filter { $0.info.group == "apiextensions.k8s.io" && $0.info.plural == "customresourcedefinitions" }
        for crd in crds {
            guard let group = crd.object["spec"]?["group"]?.stringValue,
                  let plural = crd.object["spec"]?["names"]?["plural"]?.stringValue
            else { continue }
            if crd.object.isBeingDeleted {
                let instances = objects.filter { $0.info.group == group && $0.info.plural == plural }
                for s in instances where !s.object.isBeingDeleted { await delete(s) }
                if instances.isEmpty {
                    handler.unregisterCRD(crd.object)
                    await removeFinalizer(crd, APIHandler.crdCleanupFinalizer)
                }
                continue
            }
            handler.registerCRD(crd.object)
            let established = (crd.object["status"]?["conditions"]?.listValue ?? []).contains {
                $0["type"]?.stringValue == "Established" && $0["status"]?.stringValue == "True"
            }
            if established { continue }
            let now = Timestamps.rfc3339(handler.clock.now())
            await modify(crd, subresource: "status", manager: "helmctl-apiextensions-controller") { o in
                let names = o["spec"]?["names"] ?? .map([:])
                var accepted = names
                if accepted["singular"] == nil { accepted.setField("singular", .string((names["kind"]?.stringValue ?? "").lowercased())) }
                if accepted["listKind"] == nil { accepted.setField("listKind", .string((names["kind"]?.stringValue ?? "") + "List")) }
                let stored = (o["spec"]?["versions"]?.listValue ?? []).filter { $0["storage"] == .bool(true) }.compactMap { $0["name"] }
                o.set(path: ["status", "acceptedNames"], to: accepted)
                o.set(path: ["status", "storedVersions"], to: .list(stored))
                o.set(path: ["status", "conditions"], to: .list([
                    .map(["type": "NamesAccepted", "status": "True", "lastTransitionTime": .string(now), "reason": "NoConflicts",
                          "message": "no conflicts found"]),
                    .map(["type": "Established", "status": "True", "lastTransitionTime": .string(now), "reason": "InitialNamesAccepted",
                          "message": "the initial names have been accepted"]),
                ]))
            }
        }
    }
}
