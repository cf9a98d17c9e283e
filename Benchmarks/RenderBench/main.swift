// helmctl-bench: in-process render timing for scripts/bench.py.
// Usage: helmctl-bench [--repeat N] CHART_DIR — loads the chart once, renders it N times (after one
// warm-up render) and prints the median render time in milliseconds as the last word.
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
