import ClusterStore
import Glibc

// helmctl-store-bench: the store's kill -9 stress writer and its benchmark.
//   stress DIR [--sync normal|full] [--tasks N] [--per-task N]
//       writes concurrently into DIR/state.db, printing each acknowledged key on its own line
//   bench [--sync normal|full] [--n N] [--etcd http://127.0.0.1:2379]
//       durable creates/s (sequential, 8-way), GETs/s, LIST of 1000, watch latency (100 watchers),
//       against the raw engines (bare SQLite insert loop, raw etcd puts)

enum Args {
    static func value(_ name: String, _ args: [String]) -> String? {
        guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
        return args[i + 1]
    }
    static func sync(_ args: [String]) -> SQLiteStore.Synchronous {
        value("--sync", args)?.lowercased() == "full" ? .full : .normal
    }
}

/// Writes a line to stdout with one write(2): nothing stays in a buffer when the process is killed.
func emit(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { p in
        var off = 0
        while off < p.count {
            let n = write(1, p.baseAddress! + off, p.count - off)
            if n <= 0 { return }
            off += n
        }
    }
}

func fail(_ message: String) -> Never {
    emit("error: \(message)")
    exit(1)
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "stress":
    guard args.count >= 2 else { fail("usage: stress DIR") }
    await Stress.run(dir: args[1], sync: Args.sync(args), tasks: Int(Args.value("--tasks", args) ?? "") ?? 1000,
                     perTask: Int(Args.value("--per-task", args) ?? "") ?? 5)
case "bench":
    await Bench.run(sync: Args.sync(args), n: Int(Args.value("--n", args) ?? "") ?? 2000, etcd: Args.value("--etcd", args))
default:
    emit("usage: helmctl-store-bench stress DIR [--sync normal|full] | bench [--sync normal|full] [--n N] [--etcd URL]")
    exit(64)
}
