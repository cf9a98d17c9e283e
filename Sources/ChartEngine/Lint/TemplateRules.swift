import Templating
import StructuredData

/// Helm's `rules.Templates`: render the chart as `helm lint` does (release `test-release`, lint-mode
/// functions) and check every rendered YAML template.
enum TemplateRules {
    static let dir = "templates/"

    static func run(_ linter: inout Linter, options: LintOptions) {
        let templatesPath = linter.path(dir)
        let kind = FileSystem.kind(of: templatesPath)
        if kind == .missing {
            linter.rule(.warning, dir, "directory does not exist")
            return
        }
        if kind != .directory {
            linter.rule(.error, dir, "not a directory")
            return
        }
        let chart: Chart
        do {
            chart = try ChartLoader.load(directory: linter.chartDir)
        } catch {
            linter.rule(.error, dir, LintAction.message(of: error))
            return
        }
        // Dependency or coalescing problems end the template checks silently, as in Helm.
        guard let prepared = try? Renderer.prepare(chart: chart, values: options.values) else { return }
        // ToRenderValuesWithSchemaValidation: every chart's schema against its coalesced values.
        if !options.skipSchemaValidation {
            do {
                try ValuesSchema.validate(chart: prepared.chart, values: prepared.values)
            } catch {
                linter.rule(.error, dir, error.message)
                return
            }
        }
        var render = RenderOptions(releaseName: "test-release", namespace: options.namespace, revision: 0,
                                   isInstall: false, isUpgrade: false)
        if let kv = options.kubeVersion { render.kubeVersion = kv.version }
        render.lintMode = true
        render.skipSchemaValidation = true
        let rendered: [String: String]
        do {
            rendered = try LargeStack.run {
                try Renderer.render(prepared: prepared.chart, coalesced: prepared.values, options: render)
            }
        } catch {
            linter.rule(.error, dir, LintAction.message(of: error))
            return
        }
        for template in chart.templates {
            let name = template.name
            linter.rule(.error, name, extensionProblem(name))
            guard isYAML(name) else { continue }
            let content = rendered[chart.name + "/" + name] ?? ""
            if content.trimmingGoSpace().isEmpty { continue }
            linter.rule(.warning, name, topIndentProblem(content))
            var decoder = ManifestDecoder(content)
            while let next = decoder.next() {
                let object: K8sObjectStub?
                switch next {
                case .failure(let e):
                    // A broken document stops all further template checks (helm/helm#11391).
                    linter.rule(.error, name, "unable to parse YAML: " + e.message)
                    return
                case .success(let o):
                    object = o
                }
                guard let object else { continue }
                linter.rule(.warning, name, NameValidation.check(kind: object.kind, name: object.name))
                linter.rule(.warning, name, DeprecationRules.problem(object, kubeVersion: options.kubeVersion))
                linter.rule(.error, name, matchSelectorProblem(object, content))
                linter.rule(.error, name, listAnnotationProblem(object, content))
            }
        }
    }

    /// Go's `filepath.Ext`.
    static func fileExtension(_ name: String) -> String {
        let base = name.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = base.lastIndex(of: ".") else { return "" }
        return String(base[dot...])
    }

    static func extensionProblem(_ name: String) -> String? {
        let ext = fileExtension(name)
        if [".yaml", ".yml", ".tpl", ".txt"].contains(ext) { return nil }
        return "file extension '\(ext)' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt"
    }

    static func isYAML(_ name: String) -> Bool {
        let ext = fileExtension(name).lowercased()
        return ext == ".yaml" || ext == ".yml"
    }

    /// `validateTopIndentLevel`: the first non-blank line must not be indented.
    static func topIndentProblem(_ content: String) -> String? {
        for raw in content.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = raw
            if line.hasSuffix("\r") { line = line.dropLast() }
            if String(line).trimmingGoSpace().isEmpty { continue }
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                return "document starts with an illegal indent: \(quoteGo(String(line))), which may cause parsing problems"
            }
            return nil
        }
        return nil
    }

    /// `validateMatchSelector`: workload kinds need a selector somewhere in the file.
    static func matchSelectorProblem(_ o: K8sObjectStub, _ manifest: String) -> String? {
        guard ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"].contains(o.kind) else { return nil }
        if manifest.contains("matchLabels") || manifest.contains("matchExpressions") { return nil }
        return "a \(o.kind) must contain matchLabels or matchExpressions, and \(quoteGo(o.name)) does not"
    }

    /// `validateListAnnotations`: `helm.sh/resource-policy` on items of a `List` is ignored by Helm.
    static func listAnnotationProblem(_ o: K8sObjectStub, _ manifest: String) -> String? {
        guard o.kind == "List" else { return nil }
        let first: Value
        do {
            first = try YAML.decodeAll(manifest).first ?? .null
        } catch {
            return "unable to parse YAML: error converting YAML to JSON: \(error)"
        }
        guard case .map(let m) = first, case .list(let items)? = m["items"] ?? m["Items"] else { return nil }
        for case .map(let item) in items {
            guard case .map(let md)? = item["metadata"], case .map(let ann)? = md["annotations"] else { continue }
            if ann["helm.sh/resource-policy"] != nil {
                return "annotation 'helm.sh/resource-policy' within List objects are ignored"
            }
        }
        return nil
    }
}
