// helmctl-bench: in-process render timing for scripts/bench.py.
// Usage: helmctl-bench [--repeat N] CHART_DIR — loads the chart once, renders it N times (after one
// warm-up render) and prints the median render time in milliseconds as the last word.
//        helmctl-bench [--repeat N] --yaml FILE — the median time of decoding FILE (YAML.decode).
import ChartEngine
import StructuredData
import Templating

#if canImport(Glibc)
    import Glibc
#endif

func nowMs() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
}

var args = Array(CommandLine.arguments.dropFirst())
var repeatCount = 15
if let i = args.firstIndex(of: "--repeat"), i + 1 < args.count {
    repeatCount = Int(args[i + 1]) ?? 15
    args.removeSubrange(i...(i + 1))
}
if let i = args.firstIndex(of: "--yaml"), i + 1 < args.count {
    guard let text = try? String(decoding: readFile(args[i + 1]), as: UTF8.self) else {
        print("error: cannot read \(args[i + 1])")
        exit(1)
    }
    var times: [Double] = []
    for _ in 0...repeatCount {
        let t = nowMs()
        guard (try? YAML.decode(text)) != nil else {
            print("error: \(args[i + 1]) does not decode")
            exit(1)
        }
        times.append(nowMs() - t)
    }
    times.removeFirst()  // warm-up
    times.sort()
    print("median-ms \(times[times.count / 2])")
    exit(0)
}

/// The whole file's bytes.
func readFile(_ path: String) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else { throw StructuredDataError("cannot open \(path)") }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}

guard let dir = args.first else {
    print("usage: helmctl-bench [--repeat N] CHART_DIR")
    exit(64)
}
do {
    let loadStart = nowMs()
    let chart = try ChartLoader.load(directory: dir)
    let loadMs = nowMs() - loadStart
    let options = RenderOptions(releaseName: "bench", namespace: "default")
    _ = try Renderer.render(chart: chart, values: .map([:]), options: options)
    var times: [Double] = []
    for _ in 0..<repeatCount {
        let t = nowMs()
        _ = try Renderer.render(chart: chart, values: .map([:]), options: options)
        times.append(nowMs() - t)
    }
    times.sort()
    // Phase figures for profiling (stderr, so scripts/bench.py keeps reading the last word of stdout).
    var actionTimes: [Double] = []
    for _ in 0..<max(3, repeatCount / 3) {
        let t = nowMs()
        _ = try TemplateAction.run(chart: chart, values: [:], options: TemplateOptions(render: options))
        actionTimes.append(nowMs() - t)
    }
    actionTimes.sort()
    let line = "load-ms \(loadMs) render-ms \(times[times.count / 2]) template-action-ms \(actionTimes[actionTimes.count / 2])\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    print("median-ms \(times[times.count / 2])")
} catch {
    print("error: \(error)")
    exit(1)
}
