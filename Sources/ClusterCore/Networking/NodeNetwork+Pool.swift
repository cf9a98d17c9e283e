import NIOConcurrencyHelpers
import NIOPosix
import StructuredData

/// (kstate) Sandboxes made ahead of pods. Making one (a network namespace, then the loopback and
/// bridge CNI plugins) is the slowest step of a pod's start; a few wired namespaces wait here, a pod
/// takes one (its hosts file is written then) and a replacement is made in the background. They
/// are in the network ledger like any sandbox, so every removal path knows them. Their namespaces
/// are named `<prefix>-pool-<random>`, not after the pod. Off unless configured (`cluster up` uses 8).
/// Refills wait until no sandbox has been taken for a while: making one runs `ip` and two CNI
/// plugins, CPU the pods of a burst (a chart's Deployments starting) need for their own start.
struct SandboxPool: Sendable {
    var ready: [PodSandbox] = []
    /// Sandboxes being made.
    var making = 0
    var refills: [Int: Task<Void, Never>] = [:]
    var nextRefill = 0
    /// The refill waiting for the pool to be left alone (cancelled and replaced at each take).
    var quietRefill: Task<Void, Never>?
    /// Set by tear-down: nothing more is made, and what is made meanwhile is removed.
    var closed = false
}

extension NodeNetwork {
    /// The pool's sandboxes are named `<prefix>-pool-<random>`; their CNI container id is that name.
    func poolName() -> String {
        configuration.namePrefix + "-pool-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// Makes sandboxes until the pool is full (returns at once; the work runs in tasks).
    func fillPool() {
        pool.withLockedValue { p in
            p.closed = false
            startRefills(&p)
        }
    }

    /// Starts making sandboxes until the pool is full (under the pool's lock).
    private func startRefills(_ p: inout SandboxPool) {
        while !p.closed && p.ready.count + p.making < configuration.sandboxPool {
            p.making += 1
            let key = p.nextRefill
            p.nextRefill += 1
            p.refills[key] = Task { await self.makePooled(key) }
        }
    }

    private func makePooled(_ key: Int) async {
        let name = poolName()
        let sandbox = try? await makeSandbox(name: name, containerID: name, hostname: nil)
        let keep = pool.withLockedValue { p -> Bool in
            p.making -= 1
            p.refills.removeValue(forKey: key)
            guard let sandbox, !p.closed else { return false }
            p.ready.append(sandbox)
            return true
        }
        if !keep, sandbox != nil {
            await Self.removeSandbox(name: name, containerID: name, config: bridgeConfig, cni: cluster.cni, ledger: ledger)
        }
    }

    /// Refills the pool once no sandbox has been taken for the configured delay.
    func refillWhenQuiet() {
        let delay = configuration.sandboxPoolRefillDelay
        guard configuration.sandboxPool > 0 else { return }
        pool.withLockedValue { p in
            guard !p.closed else { return }
            p.quietRefill?.cancel()
            p.quietRefill = Task {
                try? await Task.sleep(for: delay)
                self.pool.withLockedValue { p in
                    // Checked and started under the lock the next take cancels under (and a closed
                    // pool stays closed): a refill that lost the race sees its cancellation here.
                    if !Task.isCancelled { self.startRefills(&p) }
                }
            }
        }
    }

    /// A ready sandbox for pod `uid`, recorded as the pod's in the ledger; nil when the pool is empty.
    func takePooled(uid: String, hostname: String) async -> PodSandbox? {
        defer { refillWhenQuiet() }
        guard let sandbox = pool.withLockedValue({ $0.ready.isEmpty ? nil : $0.ready.removeFirst() }) else {
            return nil
        }
        let ledger = self.ledger
        let (name, config, bridge) = (sandbox.name, bridgeConfig, self.bridge)
        let directory = sandbox.hostsFile.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        do {
            try await RuntimeThreads.pool.runIfActive {
                try ledger.record(.netns, name, ["containerID": .string(name), "bridge": .string(bridge), "config": config,
                                                 "directory": .string(directory), "pod": .string(uid)])
            }
            try await Self.writeHosts(sandbox, hostname: hostname)
            return sandbox
        } catch {
            await Self.removeSandbox(name: name, containerID: name, config: config, cni: cluster.cni, ledger: ledger)
            return nil
        }
    }

    /// The namespace name and CNI container id of pod `uid`'s sandbox (a pooled one per the ledger).
    func sandboxOf(uid: String) async -> (name: String, containerID: String) {
        let ledger = self.ledger
        let entries = (try? await RuntimeThreads.pool.runIfActive { ledger.entries(.netns) }) ?? []
        if let entry = entries.first(where: { $0["pod"]?.stringValue == uid && $0["bridge"]?.stringValue == bridge }),
           let name = entry["name"]?.stringValue
        {
            return (name, entry["containerID"]?.stringValue ?? name)
        }
        return (sandboxName(uid), uid)
    }

    /// Stops making sandboxes and waits for those being made (tear-down then removes them all).
    func closePool() async {
        let (waiting, pending) = pool.withLockedValue { p -> (Task<Void, Never>?, [Task<Void, Never>]) in
            p.closed = true
            p.ready.removeAll()
            p.quietRefill?.cancel()
            return (p.quietRefill, Array(p.refills.values))
        }
        await waiting?.value
        for task in pending { await task.value }
    }
}
