/// The flag names of an option: `name: .customLong("kube-context")`, `[.customShort("n"), .customLong("namespace")]`.
public struct NameSpecification: ExpressibleByArrayLiteral, Sendable {
    public enum Element: Sendable {
        case customLong(String)
        case customShort(Character)
    }

    public let elements: [Element]

    public init(arrayLiteral elements: Element...) { self.elements = elements }
    public init(_ elements: [Element]) { self.elements = elements }

    public static func customLong(_ name: String) -> NameSpecification { [.customLong(name)] }
    public static func customShort(_ c: Character) -> NameSpecification { [.customShort(c)] }

    var longNames: [String] {
        elements.compactMap { if case .customLong(let n) = $0 { return n } else { return nil } }
    }

    var shortNames: [Character] {
        elements.compactMap { if case .customShort(let c) = $0 { return c } else { return nil } }
    }
}

/// Whether an option shows in help.
public enum ArgumentVisibility: Sendable {
    case `default`, hidden
}

/// An option's help text (`help: "…"` or `help: ArgumentHelp("…", visibility: .hidden)`).
public struct ArgumentHelp: ExpressibleByStringInterpolation, Sendable {
    public var abstract: String
    public var visibility: ArgumentVisibility

    public init(_ abstract: String = "", visibility: ArgumentVisibility = .default) {
        self.abstract = abstract
        self.visibility = visibility
    }

    public init(stringLiteral value: String) { self.init(value) }
}
