import Templating
import StructuredData

/// Builds the data each template sees (Helm's `ToRenderValues` + the engine's `recAllTpls`):
/// `.Values .Release .Chart .Capabilities .Files .Subcharts` per chart, `.Template` per file.
enum RenderContext {
    /// `.Release` for these options.
    static func release(_ o: RenderOptions) -> TemplateValue {
        .map(["Name": .string(o.releaseName), "Namespace": .string(o.namespace), "Revision": .int(o.revision),
              "IsInstall": .bool(o.isInstall), "IsUpgrade": .bool(o.isUpgrade), "Service": .string("Helm")])
    }

    /// `.Chart` in Helm v4: the metadata struct turned into a map by reflection (`structToMap`: slices
    /// become `[]interface {}`, nested structs maps, `map[string]string` kept) plus `IsRoot`.
    static func chartMap(_ chart: Chart) -> TemplateValue {
        let md = chart.metadata
        var annotations: [String: TemplateValue] = [:]
        for (k, v) in md.annotations { annotations[k] = .string(v) }
        let maintainers: [TemplateValue] = md.maintainers.map {
            .map(["Name": .string($0.name), "Email": .string($0.email), "URL": .string($0.url)])
        }
        let deps: [TemplateValue] = md.dependencies.map { d in
            .map(["Name": .string(d.name), "Version": .string(d.version), "Repository": .string(d.repository),
                  "Condition": .string(d.condition), "Tags": .list(d.tags.map { .string($0) }), "Enabled": .bool(d.enabled),
                  "ImportValues": .list(d.importValues.map(TemplateValue.init)), "Alias": .string(d.alias)])
        }
        return .map([
            "APIVersion": .string(md.apiVersion),
            "Annotations": .map(MapRef(annotations, typeName: "map[string]string")),
            "AppVersion": .string(md.appVersion),
            "Condition": .string(md.condition),
            "Dependencies": .list(deps),
            "Deprecated": .bool(md.deprecated),
            "Description": .string(md.description),
            "Home": .string(md.home),
            "Icon": .string(md.icon),
            "IsRoot": .bool(chart.isRoot),
            "Keywords": .list(md.keywords.map { .string($0) }),
            "KubeVersion": .string(md.kubeVersion),
            "Maintainers": .list(maintainers),
            "Name": .string(md.name),
            "Sources": .list(md.sources.map { .string($0) }),
            "Tags": .string(md.tags),
            "Type": .string(md.type),
            "Version": .string(md.version),
        ])
    }

    /// One template to execute: its full name, the chart context it sees and its base path.
    struct Renderable {
        var name: String
        var text: String
        var context: MapRef
        var basePath: String
    }

    /// The top chart's `.Values`: a `common.Values` map over the coalesced values.
    static func valuesMap(_ values: [String: Value]) -> TemplateValue {
        .map(MapRef(values.mapValues(TemplateValue.init), typeName: "common.Values"))
    }

    /// Walks the chart tree (subcharts first, as Helm's `recAllTpls`) collecting templates and
    /// building each chart's context. `values` is the chart's own `.Values`.
    @discardableResult
    static func collect(_ chart: Chart, values: TemplateValue, release: TemplateValue, capabilities: TemplateValue,
                        into out: inout [String: Renderable]) -> MapRef
    {
        let subcharts = MapRef()
        // Helm v4 hands templates `common.Values` maps (what `typeOf $` and `typeOf .Values` print).
        let context = MapRef(typeName: "common.Values")
        context.storage = [
            "Chart": chartMap(chart),
            "Files": .object(FilesObject(chartFiles: chart.files)),
            "Release": release,
            "Capabilities": capabilities,
            "Values": values,
            "Subcharts": .map(subcharts),
        ]
        for sub in chart.dependencies {
            // Helm's `vals.Table("Values.<name>")`: the section if it is a map, else an empty map.
            var subValues: TemplateValue = .map(MapRef())
            if case .map(let m) = values, case .map(let section)? = m.storage[sub.name] {
                subValues = .map(section)
            }
            let subContext = collect(sub, values: subValues, release: release, capabilities: capabilities, into: &out)
            subcharts.storage[sub.name] = .map(subContext)
        }
        let base = chart.fullPath + "/templates"
        for t in chart.templates {
            // Library charts only contribute partials.
            if chart.isLibrary && !pathBase(t.name).hasPrefix("_") { continue }
            let name = chart.fullPath + "/" + t.name
            out[name] = Renderable(name: name, text: t.text, context: context, basePath: base)
        }
        return context
    }
}
