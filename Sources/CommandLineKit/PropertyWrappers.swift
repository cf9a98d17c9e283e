import StructuredData

/// `@Option(name: .customLong("timeout"), help: "…") var timeout = "5m0s"`: a flag taking a value.
@propertyWrapper
public struct Option<Value> {
    let storage: Storage<Value>

    public var wrappedValue: Value {
        get { storage.value! }
        nonmutating set { storage.value = newValue }
    }

    init(initial: Value?, name: NameSpecification, help: ArgumentHelp, typeName: String, repeating: Bool,
         required: Bool = false, bareValue: String? = nil, assign: @escaping (Storage<Value>, String) -> String?)
    {
        let storage = Storage(initial)
        self.storage = storage
        Registry.register(Slot(kind: .option, names: name, help: help, valueName: typeName, repeating: repeating,
                               required: required, bareValue: bareValue, assign: { assign(storage, $0) }))
    }
}

extension Option where Value: ExpressibleByArgument {
    /// `bareValue`: the value of `--name` given alone (pflag's NoOptDefVal).
    public init(wrappedValue: Value, name: NameSpecification, bareValue: String? = nil, help: ArgumentHelp = "") {
        self.init(initial: wrappedValue, name: name, help: help, typeName: Value.typeName, repeating: false,
                  bareValue: bareValue, assign: Self.single)
    }

    /// An option that must be given (cobra's required flag).
    public init(name: NameSpecification, help: ArgumentHelp = "") {
        self.init(initial: nil, name: name, help: help, typeName: Value.typeName, repeating: false, required: true,
                  assign: Self.single)
    }

    static func single(_ s: Storage<Value>, _ text: String) -> String? {
        guard let v = Value(argument: text) else { return Value.conversionFailure(text) }
        s.value = v
        return nil
    }
}

extension Option {
    public init<T: ExpressibleByArgument>(name: NameSpecification, bareValue: String? = nil, help: ArgumentHelp = "")
    where Value == T? {
        self.init(initial: .some(nil), name: name, help: help, typeName: T.typeName, repeating: false,
                  bareValue: bareValue) { s, text in
            guard let v = T(argument: text) else { return T.conversionFailure(text) }
            s.value = .some(v)
            return nil
        }
    }

    public init<T: ExpressibleByArgument>(wrappedValue: [T] = [], name: NameSpecification, help: ArgumentHelp = "")
    where Value == [T] {
        self.init(initial: wrappedValue, name: name, help: help, typeName: T.typeName + "Array", repeating: true) {
            s, text in
            guard let v = T(argument: text) else { return T.conversionFailure(text) }
            // Each value given is appended (the array options here all default to empty).
            var values = s.value ?? []  // (appended in place: see `Argument.append`)
            values.append(v)
            s.value = values
            return nil
        }
    }
}

/// `@Flag(name: .customLong("debug"), help: "…") var debug = false`: a boolean flag.
@propertyWrapper
public struct Flag {
    let storage: Storage<Bool>

    public var wrappedValue: Bool {
        get { storage.value! }
        nonmutating set { storage.value = newValue }
    }

    public init(wrappedValue: Bool = false, name: NameSpecification, help: ArgumentHelp = "") {
        let storage = Storage(wrappedValue)
        self.storage = storage
        Registry.register(Slot(kind: .flag, names: name, help: help, valueName: "", repeating: false, required: false,
                               assign: { text in
                                   guard let b = GoBool.parse(text) else { return "strconv.ParseBool: parsing \(goQuote(text)): invalid syntax" }
                                   storage.value = b
                                   return nil
                               }))
    }
}

/// `@Argument(help: "RELEASE_NAME") var name: String`: a positional argument; the help text is its
/// label in the usage line.
@propertyWrapper
public struct Argument<Value> {
    let storage: Storage<Value>

    public var wrappedValue: Value {
        get { storage.value! }
        nonmutating set { storage.value = newValue }
    }

    init(initial: Value?, help: ArgumentHelp, repeating: Bool, required: Bool,
         assign: @escaping (Storage<Value>, String) -> String?)
    {
        let storage = Storage(initial)
        self.storage = storage
        Registry.register(Slot(kind: .argument, help: help, valueName: help.abstract, repeating: repeating,
                               required: required, assign: { assign(storage, $0) }))
    }
}

extension Argument where Value: ExpressibleByArgument {
    /// A positional that may be left out.
    public init(wrappedValue: Value, help: ArgumentHelp = "") {
        self.init(initial: wrappedValue, help: help, repeating: false, required: false, assign: Self.single)
    }

    /// A positional that must be given.
    public init(help: ArgumentHelp = "") {
        self.init(initial: nil, help: help, repeating: false, required: true, assign: Self.single)
    }

    static func single(_ s: Storage<Value>, _ text: String) -> String? {
        guard let v = Value(argument: text) else { return Value.conversionFailure(text) }
        s.value = v
        return nil
    }
}

extension Argument {
    public init<T: ExpressibleByArgument>(help: ArgumentHelp = "") where Value == T? {
        self.init(initial: .some(nil), help: help, repeating: false, required: false) { s, text in
            guard let v = T(argument: text) else { return T.conversionFailure(text) }
            s.value = .some(v)
            return nil
        }
    }

    /// The remaining positionals (none needed).
    public init<T: ExpressibleByArgument>(wrappedValue: [T], help: ArgumentHelp = "") where Value == [T] {
        self.init(initial: wrappedValue, help: help, repeating: true, required: false, assign: Self.append)
    }

    /// The remaining positionals (at least one needed).
    public init<T: ExpressibleByArgument>(help: ArgumentHelp = "") where Value == [T] {
        self.init(initial: [], help: help, repeating: true, required: true, assign: Self.append)
    }

    static func append<T: ExpressibleByArgument>(_ s: Storage<[T]>, _ text: String) -> String? {
        guard let v = T(argument: text) else { return T.conversionFailure(text) }
        // One element appended, not `(s.value ?? []) + [v]`: the generic `+` looks up the
        // Sequence witnesses of [T] by demangling at its first use (~0.2 ms of every start).
        var values = s.value ?? []
        values.append(v)
        s.value = values
        return nil
    }
}

/// `@OptionGroup var cluster: ClusterFlags`: a group's options, parsed as the command's own.
@propertyWrapper
public struct OptionGroup<Value: ParsableArguments> {
    let storage: Storage<Value>

    public var wrappedValue: Value {
        get { storage.value! }
        nonmutating set { storage.value = newValue }
    }

    public init() { storage = Storage(Value()) }
}
