import StructuredData

/// Printers for core/v1 kinds other than Pod (and events.k8s.io Events, printed as core Events are).
enum CorePrinters {
    static func orNone(_ s: String) -> Value { .string(s.isEmpty ? "<none>" : s) }

    /// `loadBalancerStatusStringer` in wide mode: ingress IPs/hostnames, comma-joined.
    /// (a sorted set, as Go's `sets.String` lists it).
    static func loadBalancer(_ status: TObj) -> String {
        Set(status["ingress"].list.compactMap { i -> String? in
            if !i["ip"].string.isEmpty { return i["ip"].string }
            if !i["hostname"].string.isEmpty { return i["hostname"].string }
            return nil
        }).sorted().joined(separator: ",")
    }

    static let service = Printer(
        [.name,
         .string("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
         .string("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
         .string("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
         .string("Port(s)", "The list of ports that are exposed by this service."), .age,
         .string("Selector", "Route service traffic to pods with label keys and values matching this selector.", wide: true)]
    ) { o, now in
        let spec = o["spec"]
        let type = spec["type"].string
        var clusterIP = "<none>"
        if let first = spec["clusterIPs"].list.first?.optionalString {
            clusterIP = first
        } else if !spec["clusterIP"].string.isEmpty {
            clusterIP = spec["clusterIP"].string
        }
        let externalIPs = spec["externalIPs"].list.map(\.string)
        let external: String
        switch type {
        case "ClusterIP", "NodePort", "":
            external = externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
        case "LoadBalancer":
            let lb = loadBalancer(o["status", "loadBalancer"])
            if !externalIPs.isEmpty {
                external = ((lb.isEmpty ? [] : lb.split(separator: ",").map(String.init)) + externalIPs).joined(separator: ",")
            } else {
                external = lb.isEmpty ? "<pending>" : lb
            }
        case "ExternalName":
            external = spec["externalName"].string
        default:
            external = "<unknown>"
        }
        let ports = spec["ports"].list.map { p -> String in
            let proto = p["protocol"].optionalString ?? "TCP"
            if let np = p["nodePort"].int, np > 0 { return "\(p["port"].intOrZero):\(np)/\(proto)" }
            return "\(p["port"].intOrZero)/\(proto)"
        }.joined(separator: ",")
        return [o.nameCell, .string(type), .string(clusterIP), .string(external), orNone(ports), o.age(now),
                .string(WorkloadPrinters.formatLabels(spec["selector"].stringMap))]
    }

    static let node = Printer(
        [.name, .string("Status", "The status of the node"), .string("Roles", "The roles of the node"), .age,
         .string("Version", "Kubelet Version reported by the node."),
         .string("Internal-IP", "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).", wide: true),
         .string("External-IP", "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).", wide: true),
         .string("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", wide: true),
         .string("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", wide: true),
         .string("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", wide: true)]
    ) { o, now in
        var status: [String] = []
        if let ready = o["status", "conditions"].list.last(where: { $0["type"].string == "Ready" }) {
            status.append(ready["status"].string == "True" ? "Ready" : "NotReady")
        }
        if status.isEmpty { status.append("Unknown") }
        if o["spec", "unschedulable"].bool == true { status.append("SchedulingDisabled") }
        var roles = Set<String>()
        for (k, v) in o["metadata", "labels"].stringMap {
            if k.hasPrefix("node-role.kubernetes.io/") {
                let role = String(k.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if k == "kubernetes.io/role", !v.isEmpty {
                roles.insert(v)
            }
        }
        let info = o["status", "nodeInfo"]
        func address(_ type: String) -> String {
            o["status", "addresses"].list.first { $0["type"].string == type }?["address"].string ?? "<none>"
        }
        func known(_ s: String) -> Value { .string(s.isEmpty ? "<unknown>" : s) }
        return [o.nameCell, .string(status.joined(separator: ",")), orNone(roles.sorted().joined(separator: ",")),
                o.age(now), .string(info["kubeletVersion"].string), .string(address("InternalIP")),
                .string(address("ExternalIP")), known(info["osImage"].string), known(info["kernelVersion"].string),
                known(info["containerRuntimeVersion"].string)]
    }

    static let namespace = Printer([.name, .string("Status", "The status of the namespace"), .age]) { o, now in
        [o.nameCell, .string(o["status", "phase"].string), o.age(now)]
    }

    static let configMap = Printer(
        [.name, .string("Data", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."), .age]
    ) { o, now in
        [o.nameCell, .int(Int64(o["data"].map.count + o["binaryData"].map.count)), o.age(now)]
    }

    static let secret = Printer(
        [.name, .string("Type", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
         .string("Data", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
         .age]
    ) { o, now in
        [o.nameCell, .string(o["type"].string), .int(Int64(o["data"].map.count)), o.age(now)]
    }

    static let serviceAccount = Printer(
        [.name, .string("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret"),
         .age]
    ) { o, now in
        [o.nameCell, .int(Int64(o["secrets"].list.count)), o.age(now)]
    }

    static let event = Printer(
        [.string("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
         .string("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
         .string("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
         .string("Object", "The object that this event is about."),
         .string("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.", wide: true),
         .string("Source", "The component reporting this event. Should be a short machine understandable string.", wide: true),
         .string("Message", "A human-readable description of the status of this operation."),
         .string("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", wide: true),
         .string("Count", "The number of times this event has occurred.", wide: true),
         TableColumn(name: "Name", type: "string", format: "name", description: ColumnDoc.name, priority: 1)]
    ) { o, now in
        eventCells(o, now: now, involved: o["involvedObject"], first: "firstTimestamp", last: "lastTimestamp",
                   count: "count", message: "message", source: o["source"],
                   reportingController: o["reportingComponent"].string)
    }

    /// events.k8s.io/v1 Events, whose fields the server converts to core Events before printing.
    static let eventsV1 = Printer(event.columns) { o, now in
        eventCells(o, now: now, involved: o["regarding"], first: "deprecatedFirstTimestamp",
                   last: "deprecatedLastTimestamp", count: "deprecatedCount", message: "note",
                   source: o["deprecatedSource"], reportingController: o["reportingController"].string)
    }

    private static func eventCells(_ o: TObj, now: Int64, involved: TObj, first: String, last: String, count: String,
                                   message: String, source: TObj, reportingController: String) -> [Value]
    {
        var firstSeen = TableTime.since(o[first].optionalString, now: now)
        if !o[first].exists { firstSeen = TableTime.since(o["eventTime"].optionalString, now: now) }
        var lastSeen = TableTime.since(o[last].optionalString, now: now)
        if !o[last].exists { lastSeen = firstSeen }
        var n = o[count].intOrZero
        if o["series"].exists {
            lastSeen = TableTime.since(o["series", "lastObservedTime"].optionalString, now: now)
            n = o["series", "count"].intOrZero
        } else if n == 0 {
            n = 1
        }
        let kind = involved["kind"].string.lowercased()
        let target = involved["name"].string.isEmpty ? kind : "\(kind)/\(involved["name"].string)"
        let component = source["component"].string.isEmpty ? reportingController : source["component"].string
        let host = source["host"].string.isEmpty ? o["reportingInstance"].string : source["host"].string
        let src = host.isEmpty ? component : "\(component), \(host)"
        let text = o[message].string.trimmingCharacters(in: " \t\n\r")
        return [.string(lastSeen), .string(o["type"].string), .string(o["reason"].string), .string(target),
                .string(involved["fieldPath"].string), .string(src), .string(text), .string(firstSeen), .int(n),
                o.nameCell]
    }

    static func joinHostPort(_ host: String, _ port: Int64) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `listWithMoreString`: the first three entries, then ` + N more...`.
    static func listWithMore(_ list: [String], total: Int, emptyText: String) -> String {
        let joined = list.prefix(3).joined(separator: ",")
        if total > 3 { return "\(joined) + \(total - 3) more..." }
        return joined.isEmpty ? emptyText : joined
    }

    static let endpoints = Printer(
        [.name, .string("Endpoints", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service."),
         .age]
    ) { o, now in
        let subsets = o["subsets"].list
        if subsets.isEmpty { return [o.nameCell, "<none>", o.age(now)] }
        var list: [String] = []
        var count = 0
        for ss in subsets {
            let addrs = ss["addresses"].list.map { $0["ip"].string }
            let ports = ss["ports"].list
            if ports.isEmpty {
                count += addrs.count
                for a in addrs where list.count < 3 { list.append(a) }
                continue
            }
            for p in ports {
                count += addrs.count
                for a in addrs where list.count < 3 { list.append(joinHostPort(a, p["port"].intOrZero)) }
            }
        }
        return [o.nameCell, .string(listWithMore(list, total: count, emptyText: "")), o.age(now)]
    }

    static let endpointSlice = Printer(
        [.name, .string("AddressType", "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name. (Deprecated) The EndpointSlice controller only generates, and kube-proxy only processes, slices of addressType \"IPv4\" and \"IPv6\". No semantics are defined for the \"FQDN\" type."),
         .string("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. Each slice may include a maximum of 100 ports. Services always have at least 1 port, so EndpointSlices generated by the EndpointSlice controller will likewise always have at least 1 port. EndpointSlices used for other purposes may have an empty ports list."),
         .string("Endpoints", "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints."),
         .age]
    ) { o, now in
        let ports = o["ports"].list.map { p -> String in
            if let n = p["port"].int { return String(n) }
            return "*"
        }
        var addrs: [String] = []
        for e in o["endpoints"].list { addrs += e["addresses"].list.map(\.string) }
        return [o.nameCell, .string(o["addressType"].string),
                .string(listWithMore(ports, total: ports.count, emptyText: "<unset>")),
                .string(listWithMore(addrs, total: addrs.count, emptyText: "<unset>")), o.age(now)]
    }

    /// `GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that fixed order.
    static func accessModes(_ modes: [TObj]) -> String {
        let set = Set(modes.map(\.string))
        return [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
            .filter { set.contains($0.0) }.map(\.1).joined(separator: ",")
    }

    static func storageClass(_ o: TObj) -> String {
        o["metadata", "annotations", "volume.beta.kubernetes.io/storage-class"].optionalString
            ?? o["spec", "storageClassName"].string
    }

    static let persistentVolume = Printer(
        [.name,
         .string("Capacity", "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
         .string("Access Modes", "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"),
         .string("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming"),
         .string("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase"),
         .string("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"),
         .string("StorageClass", "StorageClass of the pv"),
         .string("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
         .string("Reason", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
         .age,
         .string("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.", wide: true)]
    ) { o, now in
        let spec = o["spec"]
        var claim = ""
        if spec["claimRef"].exists { claim = "\(spec["claimRef", "namespace"].string)/\(spec["claimRef", "name"].string)" }
        var phase = o["status", "phase"].string
        if o["metadata", "deletionTimestamp"].exists { phase = "Terminating" }
        return [o.nameCell, .string(spec["capacity", "storage"].optionalString ?? "0"),
                .string(accessModes(spec["accessModes"].list)), .string(spec["persistentVolumeReclaimPolicy"].string),
                .string(phase), .string(claim), .string(storageClass(o)),
                .string(spec["volumeAttributesClassName"].optionalString ?? "<unset>"),
                .string(o["status", "reason"].string), o.age(now),
                .string(spec["volumeMode"].optionalString ?? "<unset>")]
    }

    static let persistentVolumeClaim = Printer(
        [.name,
         .string("Status", "phase represents the current phase of PersistentVolumeClaim."),
         .string("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
         .string("Capacity", "capacity represents the actual resources of the underlying volume."),
         .string("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
         .string("StorageClass", "StorageClass of the pvc"),
         .string("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
         .age,
         .string("VolumeMode", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", wide: true)]
    ) { o, now in
        var phase = o["status", "phase"].string
        if o["metadata", "deletionTimestamp"].exists { phase = "Terminating" }
        let volume = o["spec", "volumeName"].string
        var capacity = "", modes = ""
        if !volume.isEmpty {
            modes = accessModes(o["status", "accessModes"].list)
            capacity = o["status", "capacity", "storage"].optionalString ?? "0"
        }
        return [o.nameCell, .string(phase), .string(volume), .string(capacity), .string(modes),
                .string(storageClass(o)), .string(o["spec", "volumeAttributesClassName"].optionalString ?? "<unset>"),
                o.age(now), .string(o["spec", "volumeMode"].optionalString ?? "<unset>")]
    }

    static let limitRange = Printer([.name, .createdAt]) { o, _ in
        let created = TableTime.parse(o["metadata", "creationTimestamp"].string).map { Value.string(TableTime.format($0)) }
        return [o.nameCell, created ?? .null]
    }

    static let resourceQuota = Printer(
        [.name, .age, .string("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
         .string("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.")]
    ) { o, now in
        var requests: [String] = [], limits: [String] = []
        for name in o["status", "hard"].map.keys.sorted() {
            let used = o["status", "used", name].intOrString ?? "0"
            let hard = o["status", "hard", name].intOrString ?? "0"
            let entry = "\(name): \(used)/\(hard)"
            if name.hasPrefix("limits.") { limits.append(entry) } else { requests.append(entry) }
        }
        return [o.nameCell, o.age(now), .string(requests.joined(separator: ", ")), .string(limits.joined(separator: ", "))]
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
