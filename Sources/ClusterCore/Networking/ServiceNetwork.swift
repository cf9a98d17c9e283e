import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
public import ServiceLifecycle
import StructuredData

/// How the cluster's Service network runs.
public struct ServiceNetworkConfiguration: Sendable {
    /// The dummy interface holding the ClusterIPs (at most 15 characters).
    public var interfaceName: String
    /// Whether ClusterIPs are held locally and proxied, and the cluster DNS runs (needs root and iproute2).
    public var clusterIPs: Bool
    /// The cluster DNS address (inside the Service range; the `kube-system/kube-dns` Service gets it) and port.
    public var dnsIP: String
    public var dnsPort: Int
    /// Where NodePort Services listen (loopback only, for safety); nil = no NodePort listeners.
    public var nodePortHost: String?
    /// The Ingress controller's listening address; port nil = no Ingress controller.
    public var ingressHost: String
    public var ingressPort: Int?
    /// The IngressClass this controller owns (created at start as the default class).
    public var ingressClassName: String
    /// A full reconcile pass at least this often (binds that failed are retried then).
    public var resyncInterval: Duration
    /// The Service range routed into the interface (ServiceAllocator's 10.96.0.0/12).
    public var serviceCIDR = "10.96.0.0/12"

    public init(interfaceName: String = "helmctl-svc", clusterIPs: Bool = true, dnsIP: String = DNSConfig.defaultNameserver,
                dnsPort: Int = 53, nodePortHost: String? = "127.0.0.1", ingressHost: String = "127.0.0.1", ingressPort: Int? = 8080,
                ingressClassName: String = "helmctl", resyncInterval: Duration = .seconds(10))
    {
        self.interfaceName = interfaceName
        self.clusterIPs = clusterIPs
        self.dnsIP = dnsIP
        self.dnsPort = dnsPort
        self.nodePortHost = nodePortHost
        self.ingressHost = ingressHost
        self.ingressPort = ingressPort
        self.ingressClassName = ingressClassName
        self.resyncInterval = resyncInterval
    }

    /// Parses `--ingress-listen HOST:PORT` (`off` disables the Ingress controller).
    public mutating func setIngressListen(_ text: String) throws(ClusterError) {
        if text == "off" {
            ingressPort = nil
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
              IPv4.parse(String(text[..<colon])) != nil
        else { throw ClusterError("--ingress-listen must be IPV4:PORT, like 127.0.0.1:8080, or off (got \"\(text)\")") }
        ingressHost = String(text[..<colon])
        ingressPort = port
    }
}

/// The cluster's Service network, one Service in the cluster's ServiceGroup: holds every ClusterIP
/// on a dummy interface, runs the Service proxy (ClusterIP and NodePort, TCP and UDP), the cluster
/// DNS and the Ingress controller, and reconciles them all from the stored Services,
/// EndpointSlices, Endpoints, Ingresses and IngressClasses on every change. At shutdown it closes
/// every socket and deletes the interface.
public final class ServiceNetwork: Service, Sendable {
    let handler: APIHandler
    let configuration: ServiceNetworkConfiguration
    let log: @Sendable (String) -> Void
    let interface: ServiceInterface
    let proxy: ServiceProxy
    let dns = ClusterDNSServer()
    let ingress = IngressProxy()
    /// The last pass's table and the number of passes, for tests and `waitUntil`.
    let current = NIOLockedValueBox<(table: ServiceTable, passes: Int)>((ServiceTable(), 0))
    private let waiters = NIOLockedValueBox<[CheckedContinuation<Void, Never>]>([])
    private let state = NIOLockedValueBox<RunState>(RunState())

    private struct RunState {
        var clusterIPsActive = false
        var ingressPort: Int?
        var failures: Set<String> = []
        var stopped = false
    }

    /// Where the API server listens, for the `default/kubernetes` Endpoints (nil: not published).
    let apiServerAddress: ServiceBackend?

    init(handler: APIHandler, configuration: ServiceNetworkConfiguration = .init(), clock: any APIClock = SystemAPIClock(),
         apiServerAddress: ServiceBackend? = nil, log: @escaping @Sendable (String) -> Void = { _ in })
    {
        self.apiServerAddress = apiServerAddress
        self.handler = handler
        self.configuration = configuration
        self.log = log
        self.interface = ServiceInterface(name: configuration.interfaceName)
        self.proxy = ServiceProxy(clock: clock)
    }

    /// Serves `server`'s cluster.
    public convenience init(server: APIServer, configuration: ServiceNetworkConfiguration = .init(),
                            log: @escaping @Sendable (String) -> Void = { _ in })
    {
        // The proxy runs on the host, so a loopback API server is reachable from it.
        let host = server.handler.config.host
        let reachable = host == "0.0.0.0" || IPv4.parse(host) == nil ? "127.0.0.1" : host
        self.init(handler: server.handler, configuration: configuration, apiServerAddress: ServiceBackend(ip: reachable, port: server.port), log: log)
    }

    /// The Ingress controller's bound port once started (useful with port 0).
    public var ingressPort: Int? { state.withLockedValue { $0.ingressPort } }

    var api: KubeletAPI { KubeletAPI(handler: handler, user: "system:serviceaccount:kube-system:helmctl-service-network") }

    public func run() async throws {
        do {
            try await start()
        } catch {
            await stopUncancelled()
            throw error
        }
        let store = handler.store
        let (pokes, poke) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let watcher = Task {
            var from = (try? await store.currentRevision()) ?? 0
            while !Task.isCancelled {
                do {
                    for try await event in try await store.watch(prefix: ObjectKeys.all, afterRevision: from) {
                        from = event.revision
                        if Self.matters(event.kv.key) { poke.yield() }
                    }
                } catch {
                    from = (try? await store.currentRevision()) ?? from
                    poke.yield()
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        let interval = configuration.resyncInterval
        let ticker = Task {
            while !Task.isCancelled {
                poke.yield()
                try? await Task.sleep(for: interval)
            }
        }
        await cancelWhenGracefulShutdown {
            for await _ in pokes { await self.pass() }
        }
        watcher.cancel()
        ticker.cancel()
        poke.finish()
        await stopUncancelled()
    }

    /// ``stop()`` in a task of its own: when this one was cancelled, the `ip` commands (run on the
    /// blocking pool, which refuses work for cancelled tasks) must still run.
    private func stopUncancelled() async {
        await Task { await self.stop() }.value
    }

    static let watchedPrefixes = [ObjectKeys.prefix(group: "", plural: "services"), ObjectKeys.prefix(group: "", plural: "endpoints"),
                                  ObjectKeys.prefix(group: "discovery.k8s.io", plural: "endpointslices"),
                                  ObjectKeys.prefix(group: "networking.k8s.io", plural: "ingresses"),
                                  ObjectKeys.prefix(group: "networking.k8s.io", plural: "ingressclasses")]

    static func matters(_ key: String) -> Bool { watchedPrefixes.contains { key.hasPrefix($0) } }

    /// Why a cluster started now would run without ClusterIPs, the Service proxy and cluster DNS
    /// because another cluster on this machine holds the Service interface; nil when it would not.
    /// (`cluster up` says so: the cluster itself only logs it.)
    public static func sharedInterfaceProblem(interfaceName: String = ServiceNetworkConfiguration().interfaceName) -> String? {
        guard ServiceInterface.problem(name: interfaceName) == nil, ServiceInterface.heldElsewhere(name: interfaceName) else {
            return nil
        }
        return "another helmctl cluster on this machine holds the Service interface \(interfaceName): this one runs "
            + "without ClusterIPs, the Service proxy and cluster DNS (stop the other cluster first to have them)"
    }

    /// Creates the interface (holding the DNS address), binds the DNS and the Ingress listener, and
    /// makes sure the IngressClass and the `kube-dns` Service exist.
    func start() async throws {
        var active = false
        if configuration.clusterIPs {
            if let problem = ServiceInterface.problem(name: configuration.interfaceName) {
                log("service network: no ClusterIPs, proxy or DNS: \(problem)")
            } else if await !interface.lock() {
                log("service network: no ClusterIPs, proxy or DNS: another cluster on this machine holds \(configuration.interfaceName)")
            } else {
                try await interface.create()
                let failures = await interface.sync([configuration.dnsIP])
                guard failures.isEmpty else { throw ClusterError("cannot hold the DNS address: \(failures.joined(separator: "; "))") }
                if let problem = await interface.routeRange(configuration.serviceCIDR) {
                    log("service network: the Service range is not routed into \(configuration.interfaceName): \(problem)")
                }
                active = true
                // Another DNS server holding the wildcard address (dnsmasq on 0.0.0.0:53) must not stop the cluster.
                do {
                    try await dns.start(host: configuration.dnsIP, port: configuration.dnsPort)
                    log("service network: ClusterIPs on \(configuration.interfaceName), cluster DNS on \(configuration.dnsIP):\(configuration.dnsPort)")
                } catch {
                    await dns.stop()
                    log("service network: ClusterIPs on \(configuration.interfaceName); no cluster DNS: cannot listen on \(configuration.dnsIP):\(configuration.dnsPort) (\(error))")
                }
            }
        }
        var bound: Int?
        if let port = configuration.ingressPort {
            // A busy port must not keep the cluster from starting: it runs without Ingress and says so.
            do {
                bound = try await ingress.start(host: configuration.ingressHost, port: port)
                log("ingress controller: class \(configuration.ingressClassName) serving on http://\(configuration.ingressHost):\(bound ?? port)")
            } catch {
                log("ingress controller: not running: cannot listen on \(configuration.ingressHost):\(port) (\(error)); choose another with --ingress-listen")
            }
        }
        state.withLockedValue {
            $0.clusterIPsActive = active
            $0.ingressPort = bound
        }
        await ensureObjects(dns: active)
    }

    /// The IngressClass (default class) and, with the DNS running, `kube-system/kube-dns` on its address.
    func ensureObjects(dns: Bool) async {
        let classPath = "/apis/networking.k8s.io/v1/ingressclasses"
        let ingressClass: Value = .map([
            "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
            "metadata": .map(["name": .string(configuration.ingressClassName),
                              "annotations": .map([IngressRouteTable.defaultClassAnnotation: "true"])]),
            "spec": .map(["controller": "helmctl.io/ingress-controller"]),
        ])
        let created = await api.call(.POST, classPath, ingressClass)
        if !created.ok && created.code != 409 { log("ingress controller: cannot create IngressClass: \(created.message)") }
        if let api = apiServerAddress { await publishAPIServer(api) }
        await publishIngressService()  // ServiceNetwork+Ingress.swift
        guard dns else { return }
        let service: Value = .map([
            "apiVersion": "v1", "kind": "Service",
            "metadata": .map(["name": "kube-dns", "namespace": "kube-system",
                              "labels": .map(["k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS", "kubernetes.io/cluster-service": "true"])]),
            "spec": .map([
                "clusterIP": .string(configuration.dnsIP), "type": "ClusterIP",
                "ports": .list([
                    .map(["name": "dns", "port": .int(Int64(configuration.dnsPort)), "protocol": "UDP", "targetPort": .int(Int64(configuration.dnsPort))]),
                    .map(["name": "dns-tcp", "port": .int(Int64(configuration.dnsPort)), "protocol": "TCP", "targetPort": .int(Int64(configuration.dnsPort))]),
                ]),
            ]),
        ])
        let made = await api.call(.POST, "/api/v1/namespaces/kube-system/services", service)
        if !made.ok && made.code != 409 { log("cluster DNS: cannot create the kube-dns Service: \(made.message)") }
    }

    /// One reconcile pass: reads the objects, then updates the interface, proxy, DNS, Ingress routes
    /// and Ingress statuses.
    func pass() async {
        let store = handler.store
        func objects(_ group: String, _ plural: String) async -> [Value]? {
            guard let list = try? await store.list(prefix: ObjectKeys.prefix(group: group, plural: plural), after: nil, limit: 0, revision: 0) else {
                return nil
            }
            return list.items.compactMap(ObjectCodec.decode)
        }
        guard let services = await objects("", "services"), let slices = await objects("discovery.k8s.io", "endpointslices"),
              let endpoints = await objects("", "endpoints"), let ingresses = await objects("networking.k8s.io", "ingresses"),
              let classes = await objects("networking.k8s.io", "ingressclasses")
        else { return }
        let run = state.withLockedValue { $0 }
        guard !run.stopped else { return }
        var options = ServiceTable.Options()
        options.clusterIPs = run.clusterIPsActive
        options.nodePortHost = configuration.nodePortHost
        options.dnsIP = configuration.dnsIP
        let table = ServiceTable.build(services: services, slices: slices, endpoints: endpoints, options: options)
        var failures: [String] = []
        if run.clusterIPsActive {
            failures += await interface.sync(table.clusterIPs.union([configuration.dnsIP]))
            dns.records.withLockedValue { $0 = table.dns }
        }
        failures += await proxy.reconcile(table.listeners)
        let ourClass = classes.first { $0.name == configuration.ingressClassName }
        let isDefault = ourClass?.meta("annotations")?[IngressRouteTable.defaultClassAnnotation]?.stringValue == "true"
        let routes = IngressRouteTable.build(ingresses: ingresses, className: configuration.ingressClassName, isDefaultClass: isDefault)
        ingress.routing.withLockedValue { $0 = IngressProxy.Routing(routes: routes, services: table) }
        if run.ingressPort != nil {
            await publishStatus(ingresses.filter {
                !$0.isBeingDeleted && IngressRouteTable.isOurs($0, className: configuration.ingressClassName, isDefaultClass: isDefault)
            })
        }
        let newFailures = Set(failures)
        let report = state.withLockedValue { s -> Set<String> in
            defer { s.failures = newFailures }
            return newFailures.subtracting(s.failures)
        }
        for f in report.sorted() { log("service network: \(f)") }
        current.withLockedValue {
            $0.table = table
            $0.passes += 1
        }
        let resume = waiters.withLockedValue { w in
            defer { w = [] }
            return w
        }
        for c in resume { c.resume() }
    }

    /// Points the `default/kubernetes` Endpoints at the API server, so in-cluster clients reach it
    /// through the proxy at 10.96.0.1:443 (the serving certificate names that address).
    func publishAPIServer(_ address: ServiceBackend) async {
        await publishEndpoints(namespace: "default", name: "kubernetes", address: address, portName: "https")
    }

    /// Sets `status.loadBalancer.ingress` of our Ingresses to the controller's address.
    func publishStatus(_ ingresses: [Value]) async {
        let ip = configuration.ingressHost == "0.0.0.0" ? "127.0.0.1" : configuration.ingressHost
        let wanted: Value = .list([.map(["ip": .string(ip)])])
        for ing in ingresses where ing["status"]?["loadBalancer"]?["ingress"] != wanted {
            guard let ns = ing.namespace else { continue }
            let patch: Value = .map(["status": .map(["loadBalancer": .map(["ingress": wanted])])])
            let reply = await api.call(.PATCH, "/apis/networking.k8s.io/v1/namespaces/\(ns)/ingresses/\(ing.name)/status", patch,
                                       contentType: "application/merge-patch+json")
            if !reply.ok && reply.code != 404 { log("ingress controller: cannot update status of \(ns)/\(ing.name): \(reply.message)") }
        }
    }

    /// Waits for reconcile passes until `check` holds for the latest table; false after `passes`
    /// passes without it, or once the network stopped.
    func waitUntil(passes: Int = 100, _ check: @Sendable (ServiceTable) -> Bool) async -> Bool {
        for _ in 0..<passes {
            let (table, stopped) = (current.withLockedValue { $0.table }, state.withLockedValue { $0.stopped })
            if check(table) { return true }
            if stopped { return false }
            await withCheckedContinuation { c in
                let resumeNow = state.withLockedValue { $0.stopped }
                if resumeNow { c.resume() } else { waiters.withLockedValue { $0.append(c) } }
            }
        }
        return check(current.withLockedValue { $0.table })
    }

    /// Closes every socket and deletes the interface.
    func stop() async {
        state.withLockedValue { $0.stopped = true }
        await proxy.stop()
        await dns.stop()
        await ingress.stop()
        await interface.remove()
        let resume = waiters.withLockedValue { w in
            defer { w = [] }
            return w
        }
        for c in resume { c.resume() }
    }
}
