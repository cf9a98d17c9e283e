import ClusterAPI
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// Namespace deletion (§4.8): everything in a Terminating namespace is deleted (finalizers
/// respected), conditions report what remains, then the `kubernetes` finalizer is removed through
/// `/finalize` and the namespace disappears.
extension Reconciler {
    func namespaces(_ objects: [Stored], catalog: ResourceCatalog) async {
        let terminating = objects.filter { $0.info.plural == "namespaces" && $0.info.group.isEmpty && $0.object.isBeingDeleted }
        for ns in terminating {
            let name = ns.object.name
            let content = objects.filter { $0.info.namespaced && $0.namespace == name }
            for s in content where !s.object.isBeingDeleted { await delete(s) }
            let remaining = content.count
            let withFinalizers = content.filter { !$0.object.finalizers.isEmpty }
            let now = Timestamps.rfc3339(handler.clock.now())
            await modify(ns, subresource: "status", manager: "helmctl-namespace-controller") { o in
                func condition(_ type: String, _ status: Bool, _ reason: String, _ message: String) -> Value {
                    .map(["type": .string(type), "status": .string(status ? "True" : "False"), "lastTransitionTime": .string(now),
                          "reason": .string(reason), "message": .string(message)])
                }
                let conditions: [Value] = [
                    condition("NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered", "All resources successfully discovered"),
                    condition("NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions", "All legacy kube types successfully parsed"),
                    condition("NamespaceDeletionContentFailure", false, "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
                    condition("NamespaceContentRemaining", remaining > 0, remaining > 0 ? "SomeResourcesRemain" : "ContentRemoved",
                              remaining > 0 ? "Some resources are remaining: \(remaining) objects" : "All content successfully removed"),
                    condition("NamespaceFinalizersRemaining", !withFinalizers.isEmpty,
                              withFinalizers.isEmpty ? "ContentHasNoFinalizers" : "SomeFinalizersRemain",
                              withFinalizers.isEmpty ? "All content-preserving finalizers finished"
                                  : "Some content in the namespace has finalizers remaining: \(Set(withFinalizers.flatMap(\.object.finalizers)).sorted().joined(separator: ", "))"),
                ]
                o.set(path: ["status", "phase"], to: "Terminating")
                o.set(path: ["status", "conditions"], to: .list(conditions))
            }
            guard remaining == 0 else { continue }
            await modify(ns, subresource: "finalize", manager: "helmctl-namespace-controller") { o in
                let kept = (o["spec"]?["finalizers"]?.listValue ?? []).filter { $0.stringValue != "kubernetes" }
                o.set(path: ["spec", "finalizers"], to: kept.isEmpty ? Value?.none : .list(kept))
            }
        }
    }
}
