import Templating

/// Helm's rewording of template errors (`cleanupParseError`, `reformatExecErrorMsg`).
enum ErrorRewording {
    /// A parse error: `parse error at (FILE:LINE): MSG`, MSG being the last `": "`-separated part.
    static func parse(_ error: any Error, file: String) -> ChartEngineError {
        let text = (error as? TemplateError)?.goDescription ?? "\(error)"
        let tokens = text.components(separatedBy: ": ")
        guard tokens.count > 1, let last = tokens.last else {
            return ChartEngineError(.templateParse, "parse error in (\(file)): \(text)")
        }
        return ChartEngineError(.templateParse, "parse error at (\(tokens[1])): \(last)")
    }

    /// An execution error, worded as Helm prints it.
    static func exec(_ error: any Error, file: String) -> ChartEngineError {
        guard let te = error as? TemplateError else {
            return ChartEngineError(.templateExecution, "\(error)")
        }
        let text = te.goDescription
        let tokens = text.components(separatedBy: ": ")
        guard tokens.count >= 3 else {
            return ChartEngineError(.templateExecution, "execution error in (\(file)): \(text)")
        }
        let location = tokens[1]
        let rest = tokens[2...].joined(separator: ": ")
        // `required`/`fail`: the user's message, located at the outermost file.
        if let start = rest.range(of: HelmFunctions.warnStart),
           let end = rest.range(of: HelmFunctions.warnEnd, options: .backwards), start.upperBound <= end.lowerBound
        {
            return ChartEngineError(.templateExecution,
                                    "execution error at (\(location)): \(rest[start.upperBound..<end.lowerBound])")
        }
        if let traced = traceable(te) {
            return ChartEngineError(.templateExecution, traced)
        }
        return ChartEngineError(.templateExecution, text)
    }

    /// The multi-line form for errors whose whole chain is template errors (through `include`):
    /// `FILE:L:C\n  executing "NAME" at <NODE>:\n    MSG` per level, levels one after another
    /// (Helm v4.2.3, checked against its goldens); an innermost error without location (`template:
    /// no template "x" associated with template "gotpl"`) ends the chain verbatim.
    /// Errors wrapping a function's own error stay as Go printed them (nil here).
    static func traceable(_ top: TemplateError) -> String? {
        var lines: [String] = []
        var level = top
        for _ in 0..<10_000 {
            guard level.kind == .exec else { return nil }
            let head = "\(level.parseName):\(level.line):\(level.column)\n  executing \(quoteGo(level.executingName)) at <\(level.nodeText)>:\n    "
            guard let function = level.function else {
                lines.append(head + level.message)
                break
            }
            guard function == "include", let inner = level.underlying?.error as? TemplateError else { return nil }
            lines.append(head + "error calling include:")
            if inner.kind == .plain {
                lines.append(inner.goDescription)
                break
            }
            level = inner
        }
        return lines.joined(separator: "\n").trimmingGoSpace()
    }
}

extension String {
    /// `range(of:)` without Foundation: byte-wise search, optionally the last occurrence.
    enum SearchOptions { case forwards, backwards }

    func range(of target: String, options: SearchOptions) -> Range<String.Index>? {
        let t = Array(target.utf8)
        guard !t.isEmpty else { return nil }
        return withUTF8Bytes { b -> Range<String.Index>? in
            guard b.count >= t.count else { return nil }
            func matches(at i: Int) -> Bool {
                if b[i] != t[0] { return false }
                for j in 1..<t.count where b[i + j] != t[j] { return false }
                return true
            }
            let last = b.count - t.count
            var found: Int?
            if options == .backwards {
                var i = last
                while i >= 0 { if matches(at: i) { found = i; break }; i -= 1 }
            } else {
                var i = 0
                while i <= last { if matches(at: i) { found = i; break }; i += 1 }
            }
            guard let f = found else { return nil }
            let lo = utf8.index(startIndex, offsetBy: f)
            return lo..<utf8.index(lo, offsetBy: t.count)
        }
    }

    func range(of target: String) -> Range<String.Index>? { range(of: target, options: .forwards) }

    /// `strings.Split(s, sep)`.
    func components(separatedBy sep: String) -> [String] {
        let t = Array(sep.utf8)
        guard !t.isEmpty else { return [self] }
        return withUTF8Bytes { b in
            var out: [String] = []
            var start = 0
            var i = 0
            while i + t.count <= b.count {
                var hit = b[i] == t[0]
                if hit { for j in 1..<t.count where b[i + j] != t[j] { hit = false; break } }
                if hit {
                    out.append(String(decoding: b[start..<i], as: UTF8.self))
                    i += t.count
                    start = i
                } else {
                    i += 1
                }
            }
            out.append(String(decoding: b[start..<b.count], as: UTF8.self))
            return out
        }
    }

    /// The UTF-8 bytes as a contiguous buffer.
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var copy = self
        return copy.withUTF8 { body($0) }
    }
}
