import Testing
import StructuredData
import Foundation
@testable import KubeClient

/// Readiness per kind (kstatus and Helm 3's legacy rules) over small hand-written objects.
@Suite struct ReadinessTests {
    static func obj(_ json: String) -> Value {
        (try? JSON.decodeKeepingIntegers(Array(json.utf8))) ?? .null
    }

    static let deployReady = obj(#"""
    {"kind":"Deployment","metadata":{"name":"web","generation":2,"uid":"d1","annotations":{"deployment.kubernetes.io/revision":"2"}},
     "spec":{"replicas":2,"progressDeadlineSeconds":600},
     "status":{"observedGeneration":2,"replicas":2,"updatedReplicas":2,"readyReplicas":2,"availableReplicas":2,
       "conditions":[{"type":"Available","status":"True"},{"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable"}]}}
    """#)
    static let deployRolling = obj(#"""
    {"kind":"Deployment","metadata":{"name":"web","generation":3,"uid":"d1","annotations":{"deployment.kubernetes.io/revision":"3"}},
     "spec":{"replicas":2,"progressDeadlineSeconds":600},
     "status":{"observedGeneration":3,"replicas":3,"updatedReplicas":1,"readyReplicas":2,"availableReplicas":2,
       "conditions":[{"type":"Progressing","status":"True","reason":"ReplicaSetUpdated"}]}}
    """#)
    static let deployStale = obj(#"""
    {"kind":"Deployment","metadata":{"name":"web","generation":4},"spec":{"replicas":1},"status":{"observedGeneration":3}}
    """#)
    static let deployNoPods = obj(#"""
    {"kind":"Deployment","metadata":{"name":"web","generation":1},"spec":{"replicas":2,"progressDeadlineSeconds":600},
     "status":{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"unavailableReplicas":2}}
    """#)
    static let rsNew = obj(#"""
    {"kind":"ReplicaSet","metadata":{"name":"web-new","generation":1,"annotations":{"deployment.kubernetes.io/revision":"3"},
      "ownerReferences":[{"uid":"d1","controller":true}]},"spec":{"replicas":1},"status":{"observedGeneration":1,"readyReplicas":1}}
    """#)
    static let rsOld = obj(#"""
    {"kind":"ReplicaSet","metadata":{"name":"web-old","generation":1,"annotations":{"deployment.kubernetes.io/revision":"2"},
      "ownerReferences":[{"uid":"d1","controller":true}]},"spec":{"replicas":2},"status":{"observedGeneration":1,"readyReplicas":2}}
    """#)
    static let podPullBackOff = obj(#"""
    {"kind":"Pod","metadata":{"name":"web-abc"},"spec":{"containers":[{"name":"web"}]},
     "status":{"phase":"Pending","conditions":[{"type":"Ready","status":"False"}],
       "containerStatuses":[{"name":"web","ready":false,"restartCount":0,
         "state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image \"nosuch:1\""}}}]}}
    """#)
    static let podReady = obj(#"""
    {"kind":"Pod","metadata":{"name":"web-ok"},"spec":{"containers":[{"name":"web"}]},
     "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
       "containerStatuses":[{"name":"web","ready":true,"restartCount":1,"state":{"running":{}}}]}}
    """#)
    static let podCrash = obj(#"""
    {"kind":"Pod","metadata":{"name":"web-crash"},"spec":{"containers":[{"name":"web"}]},
     "status":{"phase":"Running","containerStatuses":[{"name":"web","ready":false,"restartCount":4,
       "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 40s restarting failed container"}}}]}}
    """#)
    static let jobRunning = obj(#"""
    {"kind":"Job","metadata":{"name":"j"},"spec":{"backoffLimit":1,"completions":1},"status":{"startTime":"t","active":1}}
    """#)
    static let jobDone = obj(#"""
    {"kind":"Job","metadata":{"name":"j"},"spec":{"completions":1},"status":{"startTime":"t","succeeded":1,
     "conditions":[{"type":"Complete","status":"True"}]}}
    """#)
    static let jobFailed = obj(#"""
    {"kind":"Job","metadata":{"name":"j"},"spec":{"backoffLimit":0},"status":{"startTime":"t","failed":1,
     "conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded"}]}}
    """#)
    static let stsReady = obj(#"""
    {"kind":"StatefulSet","metadata":{"name":"db","generation":1},"spec":{"replicas":2},
     "status":{"observedGeneration":1,"replicas":2,"readyReplicas":2,"currentReplicas":2,"updatedReplicas":2,
       "currentRevision":"db-1","updateRevision":"db-1"}}
    """#)
    static let stsRolling = obj(#"""
    {"kind":"StatefulSet","metadata":{"name":"db","generation":2},"spec":{"replicas":2},
     "status":{"observedGeneration":2,"replicas":2,"readyReplicas":2,"currentReplicas":1,"updatedReplicas":1,
       "currentRevision":"db-1","updateRevision":"db-2"}}
    """#)
    static let dsPartial = obj(#"""
    {"kind":"DaemonSet","metadata":{"name":"agent","generation":1},"spec":{},
     "status":{"observedGeneration":1,"desiredNumberScheduled":3,"currentNumberScheduled":3,"updatedNumberScheduled":3,
       "numberAvailable":2,"numberReady":2}}
    """#)
    static let pvcPending = obj(#"{"kind":"PersistentVolumeClaim","metadata":{"name":"data"},"status":{"phase":"Pending"}}"#)
    static let pvcBound = obj(#"{"kind":"PersistentVolumeClaim","metadata":{"name":"data"},"status":{"phase":"Bound"}}"#)
    static let lbNoIngress = obj(#"{"kind":"Service","metadata":{"name":"s"},"spec":{"type":"LoadBalancer","clusterIP":"10.0.0.5"},"status":{}}"#)
    static let svc = obj(#"{"kind":"Service","metadata":{"name":"s"},"spec":{"type":"ClusterIP","clusterIP":"10.0.0.6"}}"#)
    static let crdPending = obj(#"{"kind":"CustomResourceDefinition","metadata":{"name":"w"},"status":{"conditions":[{"type":"NamesAccepted","status":"True"}]}}"#)
    static let crdReady = obj(#"{"kind":"CustomResourceDefinition","metadata":{"name":"w"},"status":{"conditions":[{"type":"Established","status":"True"}]}}"#)
    static let deleting = obj(#"{"kind":"ConfigMap","metadata":{"name":"c","deletionTimestamp":"t"}}"#)
    static let crReconciling = obj(#"{"kind":"Widget","metadata":{"name":"w"},"status":{"conditions":[{"type":"Reconciling","status":"True","message":"working"}]}}"#)

    // (object, waitForJobs, kstatus status, kstatus message)
    static let kstatusCases: [(Value, Bool, ReadinessStatus, String)] = [
        (deployReady, false, .current, ""),
        (deployRolling, false, .inProgress, "1/2 replicas updated"),
        (deployStale, false, .inProgress, "generation 4 not observed yet (observed 3)"),
        (deployNoPods, false, .inProgress, "0/2 replicas available"),
        (podPullBackOff, false, .inProgress, "ImagePullBackOff, ready 0/1 (Back-off pulling image \"nosuch:1\")"),
        (podReady, false, .current, ""),
        (podCrash, false, .failed, "CrashLoopBackOff, ready 0/1, restarts 4 (back-off 40s restarting failed container)"),
        (jobRunning, false, .current, ""),
        (jobRunning, true, .inProgress, "job not complete (active 1, succeeded 0, failed 0)"),
        (jobDone, true, .current, ""),
        (jobFailed, true, .failed, "job failed: BackoffLimitExceeded"),
        (stsReady, false, .current, ""),
        (stsRolling, false, .inProgress, "1/2 replicas updated"),
        (dsPartial, false, .inProgress, "2/3 pods available"),
        (pvcPending, false, .inProgress, "PVC is Pending, not Bound"),
        (pvcBound, false, .current, ""),
        (lbNoIngress, false, .current, ""),
        (crdPending, false, .inProgress, "CRD not Established yet"),
        (crdReady, false, .current, ""),
        (deleting, false, .terminating, "being deleted"),
        (crReconciling, false, .inProgress, "working"),
    ]

    @Test(arguments: kstatusCases.indices)
    func kstatus(_ i: Int) {
        let (o, jobs, status, message) = Self.kstatusCases[i]
        #expect(ReadinessRules.kstatus(o, waitForJobs: jobs) == Readiness(status, message))
    }

    // (object, replicaSets, waitForJobs, legacy status, legacy message)
    static let legacyCases: [(Value, [Value], Bool, ReadinessStatus, String)] = [
        // Judged by the newest ReplicaSet: 1 ready of 2 with the default 25% maxUnavailable (0 for 2).
        (deployRolling, [rsOld, rsNew], false, .inProgress, "1/2 replicas ready (needs 2)"),
        (deployStale, [], false, .inProgress, "new ReplicaSet not created yet"),
        (podPullBackOff, [], false, .inProgress, "ImagePullBackOff, ready 0/1 (Back-off pulling image \"nosuch:1\")"),
        (podReady, [], false, .current, ""),
        (jobRunning, [], false, .current, ""),
        (jobRunning, [], true, .inProgress, "0/1 completions"),
        (jobFailed, [], true, .failed, "job failed: 1 failed pods (backoffLimit 0)"),
        (stsRolling, [], false, .inProgress, "1/2 replicas updated"),
        (dsPartial, [], false, .current, ""),  // maxUnavailable 1 of 3
        (pvcPending, [], false, .inProgress, "PVC is Pending, not Bound"),
        (lbNoIngress, [], false, .inProgress, "no load balancer ingress yet"),
        (svc, [], false, .current, ""),
        (crdPending, [], false, .inProgress, "CRD not Established yet"),
        (crdReady, [], false, .current, ""),
    ]

    @Test(arguments: legacyCases.indices)
    func legacy(_ i: Int) {
        let (o, rs, jobs, status, message) = Self.legacyCases[i]
        #expect(ReadinessRules.legacy(o, replicaSets: rs, waitForJobs: jobs) == Readiness(status, message))
    }

    @Test func newestReplicaSetFollowsTheRevisionAnnotation() {
        #expect(ReadinessRules.newestReplicaSet(Self.deployRolling, [Self.rsOld, Self.rsNew])?["metadata"]?["name"] == "web-new")
        #expect(ReadinessRules.newestReplicaSet(Self.deployReady, [Self.rsOld, Self.rsNew])?["metadata"]?["name"] == "web-old")
        #expect(ReadinessRules.newestReplicaSet(Self.deployStale, [Self.rsOld]) == nil)
    }

    @Test(arguments: [
        // (strategy JSON, replicas, expected)
        (#"{"type":"Recreate"}"#, 4, 0),
        (#"{}"#, 4, 1),
        (#"{"rollingUpdate":{"maxUnavailable":"50%"}}"#, 5, 2),
        (#"{"rollingUpdate":{"maxUnavailable":3}}"#, 2, 2),
    ])
    func maxUnavailable(_ strategy: String, _ replicas: Int, _ expected: Int) {
        #expect(ReadinessRules.maxUnavailable(Self.obj(strategy), replicas: replicas) == expected)
    }

    @Test func hostileObjectsDoNotCrash() {
        for v: Value in [.null, .string("x"), ["kind": "Deployment", "spec": ["replicas": "many"]],
                         ["kind": "Pod", "status": ["containerStatuses": [.int(1)]]]] {
            _ = ReadinessRules.kstatus(v)
            _ = ReadinessRules.legacy(v, replicaSets: [v])
            _ = PodSummary.describe(v)
        }
    }

    @Test(arguments: [
        // (method, code, retried)
        ("GET", 500, true), ("POST", 500, false), ("PATCH", 502, true), ("POST", 429, true),
        ("POST", 503, true), ("DELETE", 504, true), ("GET", 404, false), ("PUT", 409, false),
    ])
    func retryPolicy(_ method: String, _ code: Int, _ retried: Bool) {
        #expect(RetryPolicy.retriesStatus(code, method: method) == retried)
    }

    @Test(arguments: [
        ("Retry-After: 3\r\n", 3 as Int?), ("retry-after:10", 10), ("Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n", nil),
        ("Content-Type: application/json\r\n", nil), ("Retry-After: \r\n", nil),
    ])
    func retryAfterHeader(_ line: String, _ seconds: Int?) {
        #expect(HTTPTransport.retryAfter(headerLine: line) == seconds)
    }

    @Test func retryDelays() {
        #expect(RetryPolicy.delayMicroseconds(attempt: 1, retryAfter: nil) == 100_000)
        #expect(RetryPolicy.delayMicroseconds(attempt: 3, retryAfter: nil) == 400_000)
        #expect(RetryPolicy.delayMicroseconds(attempt: 30, retryAfter: nil) == 3_200_000)
        #expect(RetryPolicy.delayMicroseconds(attempt: 1, retryAfter: 2) == 2_000_000)
        #expect(RetryPolicy.delayMicroseconds(attempt: 1, retryAfter: 3600) == 10_000_000)
        #expect(RetryPolicy.retriesTransportFailure(method: "POST", notSent: true))
        #expect(!RetryPolicy.retriesTransportFailure(method: "POST", notSent: false))
        #expect(RetryPolicy.retriesTransportFailure(method: "GET", notSent: false))
    }
}
