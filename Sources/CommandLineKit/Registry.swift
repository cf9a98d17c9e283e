#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One declared option, flag or positional argument of the command being parsed.
final class Slot {
    enum Kind { case flag, option, argument }

    let kind: Kind
    let names: NameSpecification
    let help: ArgumentHelp
    /// `string`, `int`, … for options; the usage label (`RELEASE_NAME`) for arguments.
    let valueName: String
    /// Takes every value given (an array), instead of the last one.
    let repeating: Bool
    /// Must be given (a positional without a default; an array positional without one needs one value).
    let required: Bool
    /// pflag's NoOptDefVal: the value of the long flag given without `=value` (`--wait` is
    /// `--wait=watcher`); such a flag never takes the next word as its value.
    let bareValue: String?
    /// Stores one value's text; returns the conversion error's detail when it does not convert.
    let assign: (String) -> String?
    var given = false

    init(kind: Kind, names: NameSpecification = [], help: ArgumentHelp, valueName: String, repeating: Bool,
         required: Bool, bareValue: String? = nil, assign: @escaping (String) -> String?)
    {
        self.bareValue = bareValue
        self.kind = kind
        self.names = names
        self.help = help
        self.valueName = valueName
        self.repeating = repeating
        self.required = required
        self.assign = assign
    }

    /// pflag's name of the flag in messages: `"-o, --output"` or `"--max"`.
    var flagLabel: String {
        let long = names.longNames.first.map { "--" + $0 }
        guard let short = names.shortNames.first else { return long ?? "" }
        return long.map { "-\(short), \($0)" } ?? "-\(short)"
    }
}

/// The slots registered while a command value is constructed: each property wrapper's initialiser
/// appends its slot here, in declaration order (option groups' members where the group is declared).
/// One construction at a time (a lock: tests parse concurrently); a plain global rather than a task
/// local, whose generic metadata was instantiated at every start (it showed in start-up profiles).
final class Registry {
    nonisolated(unsafe) static var current: Registry?
    nonisolated(unsafe) static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let p = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(p, nil)
        return p
    }()

    var slots: [Slot] = []

    static func register(_ slot: Slot) { current?.slots.append(slot) }

    /// `make()`'s value and the slots its construction registered.
    static func collecting<T>(_ make: () -> T) -> (T, [Slot]) {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        let registry = Registry()
        current = registry
        defer { current = nil }
        let value = make()
        return (value, registry.slots)
    }
}

/// A property wrapper's value, shared by the copies of the command value.
final class Storage<Value> {
    var value: Value?
    init(_ value: Value?) { self.value = value }
}
