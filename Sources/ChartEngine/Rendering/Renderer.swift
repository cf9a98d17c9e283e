public import StructuredData
import Templating

/// Helm's rendering engine (`engine.Render` preceded by `ProcessDependencies` and `ToRenderValues`).
public enum Renderer {
    /// Renders every non-partial template of `chart` and its enabled subcharts.
    ///
    /// `values` are the user-supplied values (already merged from `-f`/`--set`…). The result maps
    /// template paths (`mychart/templates/x.yaml`, `parent/charts/sub/templates/y.yaml`) to their
    /// output, before manifest sorting: `NOTES.txt` and empty outputs are included; `<no value>` is
    /// removed from every output as Helm v4.2.3 does.
    public static func render(chart: Chart, values: [String: Value], options: RenderOptions) throws
        -> [String: String]
    {
        try LargeStack.run {
            let prepared = try prepare(chart: chart, values: values)
            if !options.skipSchemaValidation {
                try ValuesSchema.validate(chart: prepared.chart, values: prepared.values)
            }
            return try render(prepared: prepared.chart, coalesced: prepared.values, options: options)
        }
    }

    /// Same as ``render(chart:values:options:)`` with a `Value` (must be a map or null).
    public static func render(chart: Chart, values: Value, options: RenderOptions) throws -> [String: String] {
        switch values {
        case .map(let m): return try render(chart: chart, values: m, options: options)
        case .null: return try render(chart: chart, values: [:], options: options)
        default: throw ChartEngineError(.invalidValues, "values must be a map")
        }
    }

    /// Dependency processing and coalescing: the chart as rendered (disabled subcharts removed,
    /// aliases applied) and its final `.Values`.
    public static func prepare(chart: Chart, values: [String: Value]) throws
        -> (chart: Chart, values: [String: Value])
    {
        let processed = try DependencyProcessor.process(chart, userValues: values)
        var coalescer = Coalescer()
        let coalesced = try coalescer.coalesce(chart: processed, values: values)
        return (processed, coalesced)
    }

    /// Helm's parse order: deeper paths first, and at equal depth reverse byte order, so that on
    /// duplicate `define`s the top chart's lexicographically smallest file wins.
    public static func parseOrder(_ names: [String]) -> [String] {
        // Depth computed once per name, not per comparison.
        names.map { ($0, $0.utf8.count(where: { $0 == UInt8(ascii: "/") })) }
            .sorted { a, b in
                if a.1 != b.1 { return a.1 > b.1 }
                return goStringLess(b.0, a.0)
            }
            .map(\.0)
    }

    static func render(prepared chart: Chart, coalesced: [String: Value], options: RenderOptions) throws
        -> [String: String]
    {
        let caps = try options.capabilities()
        var renderables: [String: RenderContext.Renderable] = [:]
        RenderContext.collect(chart, values: RenderContext.valuesMap(coalesced),
                              release: RenderContext.release(options), capabilities: caps.templateValue,
                              into: &renderables)
        let order = parseOrder(Array(renderables.keys))
        let sources = order.compactMap { name in renderables[name].map { TemplateSource(name: name, text: $0.text) } }
        let set: TemplateSet
        do {
            set = try TemplateSet.parse(sources, functions: options.lintMode ? HelmFunctions.lintRegistry : HelmFunctions.registry)
        } catch {
            let file = (error as? TemplateError)?.parseName ?? ""
            throw ErrorRewording.parse(error, file: file)
        }
        // A one-shot command exits without freeing the parse trees and contexts (ProcessLifetime).
        defer { ProcessLifetime.keep((set, renderables)) }
        let execOptions = ExecutionOptions(clock: options.clock, random: options.random)
        // Partials are parsed but never output.
        let items = order.compactMap { name in renderables[name].map { (name, $0) } }
            .filter { !pathBase($0.0).hasPrefix("_") }
        func templateValue(_ name: String, _ r: RenderContext.Renderable) -> TemplateValue {
            .map(MapRef(["Name": .string(name), "BasePath": .string(r.basePath)], typeName: "common.Values"))
        }
        func execute(_ name: String, _ data: MapRef) throws -> String {
            do {
                let out = try set.execute(name, data: .map(data), options: execOptions)
                return out.replacingAll("<no value>", with: "")
            } catch {
                throw ErrorRewording.exec(error, file: name)
            }
        }
        if items.count >= ParallelRender.minimumFiles && ParallelRender.isSafe(sources) {
            let roots = ParallelRender.snapshots(items.map { (context: $0.1.context, template: templateValue($0.0, $0.1)) })
            ProcessLifetime.keep(roots)
            let slots = ResultSlots<String>(count: items.count)
            LargeStack.forEach(count: items.count, workers: 2) { i in
                slots.set(i, Result { try execute(items[i].0, roots[i]) })
            }
            // The first failure in execution order is the one the sequential loop would report.
            var rendered: [String: String] = [:]
            for (i, result) in slots.results().enumerated() { rendered[items[i].0] = try result.get() }
            return rendered
        }
        // Helm allows 1000 nested includes per name and Go 100000 nested templates; Go grows its
        // stacks, so execution runs on a thread with a large stack.
        return try LargeStack.run {
            var rendered: [String: String] = [:]
            for (name, r) in items {
                r.context.storage["Template"] = templateValue(name, r)
                rendered[name] = try execute(name, r.context)
            }
            return rendered
        }
    }
}

