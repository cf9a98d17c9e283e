import StructuredData

/// Kubernetes resource quantities (`100m`, `1.5`, `128Mi`, `1G`, `1e3`) as numbers, for the
/// scheduler's requests-versus-allocatable arithmetic. Malformed text is nil (treated as zero by callers).
enum ResourceQuantity {
    static func parse(_ text: String) -> Double? {
        let s = text.trimmingSpaces
        guard !s.isEmpty else { return nil }
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
            ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9),
            ("T", 1e12), ("P", 1e15), ("E", 1e18),
        ]
        for (suffix, factor) in suffixes where s.hasSuffix(suffix) {
            guard let n = Double(s.dropLast(suffix.count)), n.isFinite, n >= 0 else { return nil }
            return n * factor
        }
        guard let n = Double(s), n.isFinite, n >= 0 else { return nil }
        return n
    }

    /// CPU in millicores, rounded up as Kubernetes' `MilliValue`.
    static func milli(_ v: Value?) -> Int64 {
        guard let d = quantity(v) else { return 0 }
        return Int64(min((d * 1000).rounded(.up), 9e18))
    }

    /// Whole units (bytes, pod counts), rounded up.
    static func units(_ v: Value?) -> Int64 {
        guard let d = quantity(v) else { return 0 }
        return Int64(min(d.rounded(.up), 9e18))
    }

    private static func quantity(_ v: Value?) -> Double? {
        switch v {
        case .string(let s)?: return parse(s)
        case .int(let i)?: return Double(i)
        case .float(let f)?: return f.isFinite ? f : nil
        default: return nil
        }
    }
}

