import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// A pull that failed, with the waiting reason Kubernetes shows for it (`ErrImagePull`,
/// `ErrImageNeverPull`).
struct ImagePullFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String
}

/// Image pulls for pod containers: `imagePullPolicy` (default Always for `:latest` or untagged
/// references, else IfNotPresent), and the Events `kubectl describe pod` shows (Pulling, Pulled,
/// Failed, ErrImageNeverPull).
extension Kubelet {
    func pullImage(_ pod: Value, container name: String, isInit: Bool, image: String) async throws -> ContainerImage {
        let spec = containerSpec(pod, name: name, isInit: isInit)
        let policy = spec?["imagePullPolicy"]?.stringValue.flatMap(ImagePullPolicy.init(rawValue:))
            ?? ImageReference.defaultPullPolicy(for: image)
        let fieldPath = Self.fieldPath(container: name, isInit: isInit)
        let pulled = NIOLockedValueBox(false)
        let started = ClusterProcess.monotonicSeconds()
        do {
            let credentials = await pullCredentials(pod, image: image)
            let result = try await runtime.pullImage(image, policy: policy, credentials: credentials) { event in
                if case .resolved = event { pulled.withLockedValue { $0 = true } }
            }
            if pulled.withLockedValue({ $0 }) {
                let seconds = ClusterProcess.monotonicSeconds() - started
                await postEvent(pod, fieldPath: fieldPath, reason: "Pulling", message: "Pulling image \"\(image)\"")
                await postEvent(pod, fieldPath: fieldPath, reason: "Pulled",
                                message: "Successfully pulled image \"\(image)\" in \(Self.duration(seconds))")
            } else {
                await postEvent(pod, fieldPath: fieldPath, reason: "Pulled", message: "Container image \"\(image)\" already present on machine")
            }
            return result
        } catch {
            if policy == .never {
                let message = "Container image \"\(image)\" is not present with pull policy of Never"
                await postEvent(pod, fieldPath: fieldPath, reason: "ErrImageNeverPull", message: message, warning: true)
                throw ImagePullFailure(reason: "ErrImageNeverPull", description: message)
            }
            await postEvent(pod, fieldPath: fieldPath, reason: "Pulling", message: "Pulling image \"\(image)\"")
            await postEvent(pod, fieldPath: fieldPath, reason: "Failed", message: "Failed to pull image \"\(image)\": \(error)", warning: true)
            throw ImagePullFailure(reason: "ErrImagePull", description: "\(error)")
        }
    }

    /// Credentials for `image`'s registry from the pod's `imagePullSecrets` (`kubernetes.io/dockerconfigjson`
    /// `auths`, or legacy `.dockercfg`): `username`/`password`, or `auth` (base64 `user:password`).
    func pullCredentials(_ pod: Value, image: String) async -> RegistryCredentials? {
        guard let ref = try? ImageReference(parsing: image) else { return nil }
        let ns = pod.namespace ?? "default"
        for s in pod["spec"]?["imagePullSecrets"]?.listValue ?? [] {
            guard let name = s["name"]?.stringValue else { continue }
            let reply = await api.call(.GET, "/api/v1/namespaces/\(ns)/secrets/\(name)")
            let data = reply.body["data"]
            guard reply.ok, let encoded = data?[".dockerconfigjson"]?.stringValue ?? data?[".dockercfg"]?.stringValue,
                  let bytes = Base64Codec.decode(encoded), let config = try? JSON.decode(bytes),
                  case .map(let auths) = config["auths"] ?? config
            else { continue }
            for (key, entry) in auths where Self.registryHost(key) == ref.domain || (ref.domain == "docker.io" && Self.registryHost(key) == "index.docker.io") {
                if let user = entry["username"]?.stringValue, let password = entry["password"]?.stringValue {
                    return RegistryCredentials(username: user, password: password)
                }
                if let auth = entry["auth"]?.stringValue, let pair = Base64Codec.decode(auth), let colon = pair.firstIndex(of: UInt8(ascii: ":")) {
                    return RegistryCredentials(username: String(decoding: pair[..<colon], as: UTF8.self),
                                               password: String(decoding: pair[(colon + 1)...], as: UTF8.self))
                }
            }
        }
        return nil
    }

    /// A docker config `auths` key as a registry host: `https://index.docker.io/v1/` → `index.docker.io`.
    static func registryHost(_ key: String) -> String {
        var k = Substring(key)
        if let scheme = k.firstRange(of: "://") { k = k[scheme.upperBound...] }
        return String(k.split(separator: "/").first ?? k)
    }

    /// The uid and gid an image's `User` names (`uid`, `uid:gid`, or a name from the image's
    /// /etc/passwd); nil when it names nothing known.
    static func imageUser(_ image: ContainerImage) -> (uid: UInt32, gid: UInt32)? {
        let parts = image.user.split(separator: ":", maxSplits: 1).map(String.init)
        guard let first = parts.first, !first.isEmpty else { return nil }
        if let uid = UInt32(first) {
            return (uid, parts.count > 1 ? UInt32(parts[1]) ?? 0 : uid)
        }
        // A name: the topmost layer's /etc/passwd that has it.
        for layer in image.layers.reversed() {
            guard let bytes = try? ImageStore.readFile(layer + "/etc/passwd", limit: 1 << 20) else { continue }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                let f = line.split(separator: ":", omittingEmptySubsequences: false)
                if f.count >= 4, f[0] == first, let uid = UInt32(f[2]), let gid = UInt32(f[3]) {
                    return (uid, parts.count > 1 ? UInt32(parts[1]) ?? gid : gid)
                }
            }
            return nil
        }
        return nil
    }

    /// A container's `involvedObject.fieldPath`, as the kubelet's container references spell it.
    static func fieldPath(container name: String, isInit: Bool) -> String {
        "spec.\(isInit ? "initContainers" : "containers"){\(name)}"
    }

    /// Posts a core/v1 Event about `pod` from this kubelet (failures ignored, as the kubelet's recorder
    /// does); the created Event's name, nil when the API refused it.
    @discardableResult
    func postEvent(_ pod: Value, fieldPath: String, reason: String, message: String, warning: Bool = false) async -> String? {
        let ns = pod.namespace ?? "default"
        let time = Timestamps.rfc3339(clock.now())
        let event: Value = .map([
            "apiVersion": "v1", "kind": "Event",
            "metadata": .map(["name": .string(pod.name + "." + String(UUID4.random().filter(\.isHexDigit).prefix(16))), "namespace": .string(ns)]),
            "involvedObject": .map(["apiVersion": "v1", "kind": "Pod", "name": .string(pod.name), "namespace": .string(ns),
                                    "uid": .string(pod.uid), "fieldPath": .string(fieldPath)]),
            "reason": .string(reason), "message": .string(message), "type": .string(warning ? "Warning" : "Normal"),
            "source": .map(["component": "kubelet", "host": .string(nodeName)]),
            "firstTimestamp": .string(time), "lastTimestamp": .string(time), "count": 1,
            "reportingComponent": "kubelet", "reportingInstance": .string(nodeName),
        ])
        let reply = await api.call(.POST, "/api/v1/namespaces/\(ns)/events", event)
        return reply.ok ? reply.body["metadata"]?["name"]?.stringValue : nil
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int(seconds * 1000))ms" : "\(Double(Int(seconds * 1000)) / 1000)s"
    }
}
