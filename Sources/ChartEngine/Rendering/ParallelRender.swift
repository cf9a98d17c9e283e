import Templating

/// Executing a chart's templates on two threads with exactly the output of Helm's sequential loop.
///
/// Helm executes files one after another over shared, mutable maps: each chart's context gets
/// `.Template` set just before each of its files runs, and `set`/`unset`/`merge*` change maps other
/// files see later. Parallel execution is used only when no template can observe the order:
/// none calls a map-mutating, random, network or `tpl` function (checked on the identifiers in the
/// template text, conservatively), and every file gets its own copy of the context chain as the
/// sequential loop would have left it at that point (``snapshots(_:)``).
enum ParallelRender {
    /// Below this many files the thread start-up is not worth it.
    static let minimumFiles = 16

    /// Identifiers that make the output depend on execution order (or reach out of the process).
    /// `tpl` is here because its text may come from values or files, which are not scanned.
    static let orderSensitive: Set<String> = [
        "set", "unset", "merge", "mustMerge", "mergeOverwrite", "mustMergeOverwrite", "tpl", "lookup",
        "getHostByName", "uuidv4", "randBytes", "randInt", "randAlpha", "randAlphaNum", "randNumeric",
        "randAscii", "shuffle", "bcrypt", "htpasswd", "encryptAES", "genPrivateKey", "buildCustomCert",
        "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert",
        "genSignedCertWithKey",
    ]

    /// True when no source mentions an order-sensitive identifier (as a whole word anywhere in the
    /// text, actions or not — a false alarm only costs speed).
    static func isSafe(_ sources: [TemplateSource]) -> Bool {
        for s in sources where mentionsOrderSensitive(s.text) { return false }
        return true
    }

    static func mentionsOrderSensitive(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { scan($0) }
    }

    /// Finds identifier words (`[A-Za-z0-9_]+` not starting with a digit) and checks each candidate
    /// whose first letter can start a listed name.
    private static func scan(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            guard isWordByte(c) else { i += 1; continue }
            let start = i
            while i < n && isWordByte(b[i]) { i += 1 }
            // Compared as bytes against the listed names of that first letter and length (no String
            // per word: this runs over every word of every template).
            let len = i - start
            if len < candidates.count {
                for name in candidates[len] where name[0] == c {
                    var k = 1
                    while k < len && name[k] == b[start + k] { k += 1 }
                    if k == len { return true }
                }
            }
        }
        return false
    }

    /// ``orderSensitive`` as bytes, indexed by length.
    private static let candidates: [[[UInt8]]] = {
        var byLength = [[[UInt8]]](repeating: [], count: (orderSensitive.map(\.utf8.count).max() ?? 0) + 1)
        for name in orderSensitive { byLength[name.utf8.count].append(Array(name.utf8)) }
        return byLength
    }()

    @inline(__always)
    private static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
    }

    /// For each file to execute (in execution order), the root of the context it sees: a copy of its
    /// chart's context whose `.Template` is its own, and whose `.Subcharts` chain holds copies of the
    /// subcharts' contexts with the `.Template` the last file of that chart executed so far left there
    /// (absent when none has) — what the shared maps of the sequential loop hold at that moment.
    static func snapshots(_ items: [(context: MapRef, template: TemplateValue)]) -> [MapRef] {
        var latest: [ObjectIdentifier: TemplateValue] = [:]
        var out: [MapRef] = []
        out.reserveCapacity(items.count)
        for item in items {
            latest[ObjectIdentifier(item.context)] = item.template
            out.append(copy(item.context, latest: latest, depth: 0))
        }
        return out
    }

    /// Chart nesting is bounded by the loader; the depth guard only stops a malformed cycle.
    private static func copy(_ context: MapRef, latest: [ObjectIdentifier: TemplateValue], depth: Int) -> MapRef {
        var storage = context.storage
        storage["Template"] = latest[ObjectIdentifier(context)]
        if depth < 64, case .map(let subs)? = context.storage["Subcharts"], !subs.storage.isEmpty {
            var copied: [String: TemplateValue] = [:]
            for (name, v) in subs.storage {
                if case .map(let sub) = v {
                    copied[name] = .map(copy(sub, latest: latest, depth: depth + 1))
                } else {
                    copied[name] = v
                }
            }
            storage["Subcharts"] = .map(MapRef(copied, typeName: subs.typeName))
        }
        return MapRef(storage, typeName: context.typeName)
    }
}
