/// An image reference normalised as Docker and Kubernetes do: `busybox` is
/// `docker.io/library/busybox:latest`, `me/app:1` is `docker.io/me/app:1`, a first component with a
/// `.` or `:` (or `localhost`) names the registry.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// Registry host (and port) as written: `docker.io`, `127.0.0.1:5000`.
    public var domain: String
    /// Repository path inside the registry: `library/busybox`.
    public var repository: String
    /// The tag; nil when only a digest was given.
    public var tag: String?
    /// `sha256:…` when the reference pins a digest.
    public var digest: String?

    /// Parses and normalises `text`; throws for references Docker would refuse.
    public init(parsing text: String) throws(RuntimeError) {
        let bad = { (why: String) in RuntimeError("invalid image reference \"\(text)\": \(why)") }
        guard !text.isEmpty, text.utf8.count <= 1024 else { throw bad("empty or too long") }
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            guard ImageDigest.hexPart(d) != nil else { throw bad("digest must be sha256:<64 hex digits>") }
            digest = d
            rest = rest[..<at]
        }
        // A tag is after the last `:` that follows the last `/` (a `:` before it is the registry port).
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            let t = String(rest[rest.index(after: colon)...])
            guard Self.validTag(t) else { throw bad("invalid tag \"\(t)\"") }
            tag = t
            rest = rest[..<colon]
        }
        var parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 1, let first = parts.first, first.contains(".") || first.contains(":") || first == "localhost" {
            domain = first
            parts.removeFirst()
        } else {
            domain = "docker.io"
        }
        if domain == "index.docker.io" { domain = "docker.io" }
        if domain == "docker.io" && parts.count == 1 { parts.insert("library", at: 0) }
        repository = parts.joined(separator: "/")
        guard !parts.isEmpty, parts.allSatisfy(Self.validComponent) else {
            throw bad("repository name must be lowercase letters, digits and separators (. _ __ -) in /-separated parts")
        }
        guard Self.validDomain(domain) else { throw bad("invalid registry \"\(domain)\"") }
        if tag == nil && digest == nil { tag = "latest" }
    }

    /// `domain/repository[:tag][@digest]`.
    public var description: String {
        var s = domain + "/" + repository
        if let tag { s += ":" + tag }
        if let digest { s += "@" + digest }
        return s
    }

    /// `domain/repository`, the part a registry's token scope and ``ImageStore`` listings group by.
    public var name: String { domain + "/" + repository }

    /// What `docker.io` means for the distribution API.
    var registryHost: String { domain == "docker.io" ? "registry-1.docker.io" : domain }

    /// The tag or digest to ask the registry for (a digest wins: it is what was pinned).
    var manifestReference: String { digest ?? tag ?? "latest" }

    /// Kubernetes' default `imagePullPolicy`: Always for `:latest` or an untagged reference, else
    /// IfNotPresent (a digest counts as a tag).
    public static func defaultPullPolicy(for text: String) -> ImagePullPolicy {
        guard let r = try? ImageReference(parsing: text) else { return .ifNotPresent }
        return r.digest == nil && r.tag == "latest" ? .always : .ifNotPresent
    }

    /// Plain HTTP for loopback registries (as Docker treats 127.0.0.0/8 as insecure), HTTPS elsewhere.
    var scheme: String {
        let host = domain.split(separator: ":").first.map(String.init) ?? domain
        return host == "localhost" || host.hasPrefix("127.") || domain.hasPrefix("[::1]") ? "http" : "https"
    }

    var isLoopback: Bool { scheme == "http" }

    private static func validTag(_ t: String) -> Bool {
        guard let first = t.utf8.first, t.utf8.count <= 128, first != UInt8(ascii: "."), first != UInt8(ascii: "-") else { return false }
        return t.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    private static func validComponent(_ c: String) -> Bool {
        let u = Array(c.utf8)
        guard let first = u.first, let last = u.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        return u.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
            && !c.contains("..") && !c.contains("___")
    }

    private static func validDomain(_ d: String) -> Bool {
        !d.isEmpty && d.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ":")
            || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }
    }

    private static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) }
}

/// A container's `imagePullPolicy`.
public enum ImagePullPolicy: String, Sendable {
    case always = "Always"
    case ifNotPresent = "IfNotPresent"
    case never = "Never"
}
