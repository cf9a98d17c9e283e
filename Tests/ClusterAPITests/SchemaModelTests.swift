import Testing
import ClusterAPI

@Test func groupVersionKindParsesApiVersion() {
    #expect(GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment") == GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
    #expect(GroupVersionKind(apiVersion: "v1", kind: "Pod").apiVersion == "v1")
}
