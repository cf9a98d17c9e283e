@testable import ClusterCore
import Foundation
import Glibc
import Testing

/// A second cluster on one machine cannot take the Service interface (ClusterIPs, proxy, DNS) while
/// the first holds its lock; `cluster up` warns about it from this check.
@Suite("Service interface lock", .serialized,
       .enabled(if: ServiceInterface.problem(name: "hsvc-probe") == nil, "needs root and iproute2"))
struct ServiceInterfaceLockTests {
    @Test func aLockHeldByAnotherOpenFileIsReportedAndAFreeOneIsNot() throws {
        let name = "hl" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let path = ServiceInterface.lockDirectory + "/" + name + ".lock"
        defer { unlink(path) }
        #expect(!ServiceInterface.heldElsewhere(name: name), "no lock file yet")
        #expect(ServiceNetwork.sharedInterfaceProblem(interfaceName: name) == nil)

        mkdir(ServiceInterface.lockDirectory, 0o755)
        // flock locks belong to the open file description: a second open in this process conflicts
        // with it exactly as another cluster's process would.
        let holder = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        try #require(holder >= 0)
        defer { close(holder) }
        try #require(flock(holder, LOCK_EX | LOCK_NB) == 0)
        #expect(ServiceInterface.heldElsewhere(name: name))
        let problem = try #require(ServiceNetwork.sharedInterfaceProblem(interfaceName: name))
        #expect(problem.contains("another helmctl cluster on this machine holds the Service interface \(name)"))

        flock(holder, LOCK_UN)
        #expect(!ServiceInterface.heldElsewhere(name: name), "released")
        #expect(ServiceNetwork.sharedInterfaceProblem(interfaceName: name) == nil)
        // The check gave the lock back: a cluster can take it afterwards.
        #expect(flock(holder, LOCK_EX | LOCK_NB) == 0)
    }
}
