/// Helm's global flags (`-n ns`, `--kubeconfig`, …) may come before the subcommand (`helm -n ns list`);
/// the parser (CommandLineKit) reads a command's options after its name, so those leading flags are
/// moved behind the subcommand path.
enum GlobalFlagOrder {
    /// (Switches, not `Set<String>`s: a set's first hashing costs runtime conformance lookups at every start.)
    static func takesValue(_ flag: String) -> Bool {
        switch flag {
        case "-n", "--namespace", "--kubeconfig", "--kube-context", "--kube-token", "--kube-apiserver": return true
        default: return false
        }
    }

    static func isPlain(_ flag: String) -> Bool { flag == "--debug" || flag == "--kube-insecure-skip-tls-verify" }

    static func moved(_ args: [String]) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            // (Not `split`: its [Substring] result costs a metadata instantiation at every start.)
            let name = a.firstIndex(of: "=").map { String(a[..<$0]) } ?? a
            if takesValue(name) {
                leading.append(a)
                if !a.contains("="), i + 1 < args.count { leading.append(args[i + 1]); i += 1 }
            } else if isPlain(a) {
                leading.append(a)
            } else {
                break
            }
            i += 1
        }
        if leading.isEmpty { return args }
        var rest = Array(args[i...])
        // Keep nested subcommand names (e.g. `cluster up`) ahead of the moved flags.
        var insertAt = 0
        while insertAt < rest.count, !rest[insertAt].hasPrefix("-"), insertAt < 1 { insertAt += 1 }
        rest.insert(contentsOf: leading, at: insertAt)
        return rest
    }
}
