import ClusterAPI
import StructuredData

/// A file a configMap, secret, downwardAPI or projected volume holds: its path relative to the
/// volume, its bytes and its mode.
struct VolumeFile: Sendable, Equatable {
    var path: String
    var bytes: [UInt8]
    var mode: UInt32
}

/// Why a volume cannot be set up, worded as Kubernetes' kubelet words it (the text after
/// `MountVolume.SetUp failed for volume "x" : `).
struct VolumeError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// ConfigMaps and Secrets a pod's volumes or a container's env refer to, as fetched for one sync
/// pass: name → object, or nil when the API said it does not exist.
struct ReferencedObjects: Sendable {
    var configMaps: [String: Value?] = [:]
    var secrets: [String: Value?] = [:]

    /// The object fetched under `name`, nil when absent or not found.
    func lookup(_ name: String, secret: Bool) -> Value? {
        if case .some(.some(let v)) = secret ? secrets[name] : configMaps[name] { return v }
        return nil
    }

    /// The key → bytes of a ConfigMap (`data` and `binaryData`) or Secret (`data`, `stringData`).
    static func entries(_ object: Value, secret: Bool) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        if secret {
            for (k, v) in object["data"]?.mapValue ?? [:] {
                if let s = v.stringValue, let bytes = Base64Codec.decode(s) { out[k] = bytes }
            }
            for (k, v) in object["stringData"]?.mapValue ?? [:] { if let s = v.stringValue { out[k] = Array(s.utf8) } }
        } else {
            for (k, v) in object["binaryData"]?.mapValue ?? [:] {
                if let s = v.stringValue, let bytes = Base64Codec.decode(s) { out[k] = bytes }
            }
            for (k, v) in object["data"]?.mapValue ?? [:] { if let s = v.stringValue { out[k] = Array(s.utf8) } }
        }
        return out
    }
}

/// Node capacity that `resourceFieldRef` falls back to when a container sets no limit.
struct NodeCapacity: Sendable {
    var cpuMilli: Int64
    var memoryBytes: Int64
    var ephemeralBytes: Int64

    static func host(_ h: HostFacts) -> NodeCapacity {
        NodeCapacity(cpuMilli: Int64(h.cpus) * 1000, memoryBytes: h.memoryKi * 1024, ephemeralBytes: h.diskKi * 1024)
    }
}

/// Pure volume logic of the kubelet: which objects volumes need, the files they hold, and the
/// checks on names and paths that keep a hostile object from writing outside its volume.
enum PodVolumes {
    /// Volume source fields that hold projected files.
    static let fileKinds = ["configMap", "secret", "downwardAPI", "projected"]

    /// The source field of a volume (`emptyDir`, `configMap`, …), nil when it has none.
    static func kind(_ volume: Value) -> String? {
        let known = ["emptyDir", "hostPath", "persistentVolumeClaim"] + fileKinds
        return known.first { volume[$0] != nil && volume[$0]?.isNull == false }
            ?? volume.mapValue?.keys.filter { $0 != "name" }.sorted().first
    }

    /// A volume name usable as a directory name (Kubernetes: a DNS label).
    static func checkVolumeName(_ name: String) throws(VolumeError) {
        guard !name.isEmpty, name.count <= 63,
              name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
              name.first != "-", name.last != "-"
        else { throw VolumeError("invalid volume name \"\(name)\": must be a DNS label") }
    }

    /// An object name safe to put in an API path (a DNS subdomain).
    static func isObjectName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 253 && !name.contains("..")
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }
            && name.first.map { $0.isLowercase || $0.isNumber } == true && name.last.map { $0.isLowercase || $0.isNumber } == true
    }

    /// A path inside a volume: relative, no `..` element, not starting with `..`, sane lengths.
    static func checkRelativePath(_ path: String, what: String) throws(VolumeError) {
        guard !path.isEmpty else { throw VolumeError("\(what) must not be empty") }
        guard !path.hasPrefix("/") else { throw VolumeError("\(what) \"\(path)\" must be a relative path") }
        guard !path.hasPrefix("..") else { throw VolumeError("\(what) \"\(path)\" must not start with '..'") }
        guard path.utf8.count <= 4096, !path.utf8.contains(0) else { throw VolumeError("\(what) \"\(path)\" is too long or malformed") }
        for element in path.split(separator: "/", omittingEmptySubsequences: false) {
            if element == ".." { throw VolumeError("\(what) \"\(path)\" must not contain '..'") }
            if element.utf8.count > 255 { throw VolumeError("\(what) \"\(path)\" has an element longer than 255 bytes") }
        }
    }

    /// A ConfigMap/Secret key used as a file name (Kubernetes: `[-._a-zA-Z0-9]+`, not `.`/`..`).
    static func checkKey(_ key: String) throws(VolumeError) {
        guard !key.isEmpty, key.count <= 253, key != ".", !key.hasPrefix(".."),
              key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else { throw VolumeError("invalid key \"\(key)\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'") }
    }

    /// A file mode from `defaultMode`/`mode` (0–0777).
    static func mode(_ v: Value?, default d: UInt32) throws(VolumeError) -> UInt32 {
        guard let v, !v.isNull else { return d }
        guard let m = v.intValue, (0...0o777).contains(m) else {
            throw VolumeError("invalid file mode \(JSON.encode(v)): must be a number between 0 and 0777 (octal)")
        }
        return UInt32(m)
    }

    /// Names of the ConfigMaps and Secrets a volume refers to.
    static func references(_ volume: Value) -> (configMaps: [String], secrets: [String]) {
        var cms: [String] = []
        var secrets: [String] = []
        if let n = volume["configMap"]?["name"]?.stringValue { cms.append(n) }
        if let n = volume["secret"]?["secretName"]?.stringValue { secrets.append(n) }
        for source in volume["projected"]?["sources"]?.listValue ?? [] {
            if let n = source["configMap"]?["name"]?.stringValue { cms.append(n) }
            if let n = source["secret"]?["name"]?.stringValue { secrets.append(n) }
        }
        return (cms, secrets)
    }

    /// The files of a configMap, secret, downwardAPI or projected volume.
    static func files(_ volume: Value, pod: Value, objects: ReferencedObjects, node: NodeCapacity) throws(VolumeError) -> [VolumeFile] {
        if let cm = volume["configMap"] {
            return try keyed(cm, name: cm["name"]?.stringValue, objects: objects, secret: false,
                             defaultMode: try mode(cm["defaultMode"], default: 0o644))
        }
        if let s = volume["secret"] {
            return try keyed(s, name: s["secretName"]?.stringValue, objects: objects, secret: true,
                             defaultMode: try mode(s["defaultMode"], default: 0o644))
        }
        if let d = volume["downwardAPI"] {
            return try downward(d["items"]?.listValue ?? [], pod: pod, node: node, defaultMode: try mode(d["defaultMode"], default: 0o644))
        }
        if let p = volume["projected"] {
            let defaultMode = try mode(p["defaultMode"], default: 0o644)
            var out: [String: VolumeFile] = [:]
            for source in p["sources"]?.listValue ?? [] {
                var part: [VolumeFile] = []
                if let cm = source["configMap"] {
                    part = try keyed(cm, name: cm["name"]?.stringValue, objects: objects, secret: false, defaultMode: defaultMode)
                } else if let s = source["secret"] {
                    part = try keyed(s, name: s["name"]?.stringValue, objects: objects, secret: true, defaultMode: defaultMode)
                } else if let d = source["downwardAPI"] {
                    part = try downward(d["items"]?.listValue ?? [], pod: pod, node: node, defaultMode: defaultMode)
                } else if let t = source["serviceAccountToken"] {
                    part = [try serviceAccountToken(t, pod: pod, defaultMode: defaultMode)]
                } else {
                    throw VolumeError("unsupported projected volume source \(source.mapValue?.keys.sorted().first ?? "")")
                }
                // Later sources win on the same path, as the kubelet's projection does.
                for f in part { out[f.path] = f }
            }
            return out.values.sorted { $0.path < $1.path }
        }
        throw VolumeError("not a file volume")
    }

    /// A ConfigMap or Secret (or projected source of either) as files: every key, or the listed items.
    static func keyed(_ source: Value, name: String?, objects: ReferencedObjects, secret: Bool,
                      defaultMode: UInt32) throws(VolumeError) -> [VolumeFile]
    {
        let kind = secret ? "secret" : "configmap"
        guard let name, !name.isEmpty else { throw VolumeError("\(kind) volume without a name") }
        let optional = source["optional"] == .bool(true)
        guard let object = objects.lookup(name, secret: secret) else {
            if optional { return [] }
            throw VolumeError("\(kind) \"\(name)\" not found")
        }
        let entries = ReferencedObjects.entries(object, secret: secret)
        guard let items = source["items"]?.listValue, !items.isEmpty else {
            var out: [VolumeFile] = []
            for key in entries.keys.sorted() {
                try checkKey(key)
                out.append(VolumeFile(path: key, bytes: entries[key] ?? [], mode: defaultMode))
            }
            return out
        }
        var out: [VolumeFile] = []
        for item in items {
            let key = item["key"]?.stringValue ?? ""
            let path = item["path"]?.stringValue ?? ""
            try checkRelativePath(path, what: "item path")
            guard let bytes = entries[key] else {
                if optional { continue }
                throw VolumeError(secret ? "references non-existent secret key: \(key)" : "configmap references non-existent config key: \(key)")
            }
            out.append(VolumeFile(path: path, bytes: bytes, mode: try mode(item["mode"], default: defaultMode)))
        }
        return out
    }

    /// downwardAPI items: pod fields (name, namespace, uid, labels, annotations) and container resources.
    static func downward(_ items: [Value], pod: Value, node: NodeCapacity, defaultMode: UInt32) throws(VolumeError) -> [VolumeFile] {
        var out: [VolumeFile] = []
        for item in items {
            let path = item["path"]?.stringValue ?? ""
            try checkRelativePath(path, what: "item path")
            let text: String
            if let fieldPath = item["fieldRef"]?["fieldPath"]?.stringValue {
                text = try downwardField(pod, fieldPath)
            } else if let ref = item["resourceFieldRef"] {
                text = try resourceValue(ref, pod: pod, container: nil, node: node)
            } else {
                throw VolumeError("downwardAPI item \"\(path)\" has neither fieldRef nor resourceFieldRef")
            }
            out.append(VolumeFile(path: path, bytes: Array(text.utf8), mode: try mode(item["mode"], default: defaultMode)))
        }
        return out
    }

    /// The pod fields a downwardAPI volume may expose.
    static func downwardField(_ pod: Value, _ path: String) throws(VolumeError) -> String {
        switch path {
        case "metadata.name": return pod.name
        case "metadata.namespace": return pod.namespace ?? "default"
        case "metadata.uid": return pod.uid
        case "metadata.labels": return formatMap(pod.meta("labels"))
        case "metadata.annotations": return formatMap(pod.meta("annotations"))
        default:
            for map in ["labels", "annotations"] {
                let prefix = "metadata.\(map)['"
                if path.hasPrefix(prefix) && path.hasSuffix("']") && path.count > prefix.count + 1 {
                    return pod.meta(map)?[String(path.dropFirst(prefix.count).dropLast(2))]?.stringValue ?? ""
                }
            }
            throw VolumeError("unsupported fieldRef \"\(path)\" in a downwardAPI volume")
        }
    }

    /// `key="value"` lines, sorted by key, values quoted as Go's `%q` does (the kubelet's format).
    static func formatMap(_ v: Value?) -> String {
        let m = v?.mapValue ?? [:]
        return m.keys.sorted().map { "\($0)=\(LabelValidation.quote(m[$0]?.stringValue ?? ""))" }.joined(separator: "\n")
    }

    /// A `resourceFieldRef` value: the container's limit (node capacity when unset) or request,
    /// divided by `divisor` and rounded up, as `ExtractContainerResourceValue` does.
    static func resourceValue(_ ref: Value, pod: Value, container: String?, node: NodeCapacity) throws(VolumeError) -> String {
        let resource = ref["resource"]?.stringValue ?? ""
        let name = ref["containerName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? container
        let all = (pod["spec"]?["containers"]?.listValue ?? []) + (pod["spec"]?["initContainers"]?.listValue ?? [])
        guard let name, let c = all.first(where: { $0["name"]?.stringValue == name }) else {
            throw VolumeError("resourceFieldRef \"\(resource)\": container \"\(container ?? name ?? "")\" not found in the pod")
        }
        let parts = resource.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "limits" || parts[0] == "requests",
              ["cpu", "memory", "ephemeral-storage"].contains(parts[1])
        else { throw VolumeError("unsupported container resource: \(resource)") }
        let value = c["resources"]?[parts[0]]?[parts[1]]
        // (Value is nil-literal expressible: spell out the absent case so it is not `.null`.)
        var divisor: Value = .string("1")
        if let d = ref["divisor"], !d.isNull { divisor = d }
        if parts[1] == "cpu" {
            let d = ResourceQuantity.milli(divisor)
            guard d > 0 else { throw VolumeError("invalid divisor \(JSON.encode(divisor))") }
            let milli = value.map { ResourceQuantity.milli($0) } ?? (parts[0] == "limits" ? node.cpuMilli : 0)
            return String((milli + d - 1) / d)
        }
        guard let d = ResourceQuantity.parse(divisor.stringValue ?? JSON.encode(divisor)), d > 0 else {
            throw VolumeError("invalid divisor \(JSON.encode(divisor))")
        }
        let fallback = parts[1] == "memory" ? node.memoryBytes : node.ephemeralBytes
        let bytes = value.map { Double(ResourceQuantity.units($0)) } ?? Double(parts[0] == "limits" ? fallback : 0)
        return String(Int64(min((bytes / d).rounded(.up), 9e18)))
    }

    /// A placeholder service account token: helmctl has no TokenRequest API yet, so the file holds
    /// an unsigned marker naming the pod's service account (it authenticates nowhere).
    static func serviceAccountToken(_ source: Value, pod: Value, defaultMode: UInt32) throws(VolumeError) -> VolumeFile {
        let path = source["path"]?.stringValue ?? ""
        try checkRelativePath(path, what: "serviceAccountToken path")
        let account = pod["spec"]?["serviceAccountName"]?.stringValue ?? "default"
        let text = "helmctl-placeholder-token:system:serviceaccount:\(pod.namespace ?? "default"):\(account)"
        return VolumeFile(path: path, bytes: Array(text.utf8), mode: defaultMode)
    }
}
