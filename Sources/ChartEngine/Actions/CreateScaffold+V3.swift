// `helm create --chart-api-version v3` (internal/chart/v3/util/create.go in Helm v4.2.3): the same
// files as the v2 scaffold except Chart.yaml's `apiVersion: v3` and a values.yaml whose comments
// took a different path when the v3 package was split off (no periods in the service-account
// comments, unindented example blocks, the newer `resources` advice). Expressed as edits of the v2
// text so the two cannot drift silently; CreateTests checks the result against a golden copy.

extension Scaffold {
    /// The chart API versions `helm create` can scaffold.
    enum APIVersion: String {
        case v2, v3
    }

    /// Chart-relative paths and contents for `version`, in the order Helm writes them.
    static func files(for version: APIVersion) -> [(path: String, content: String)] {
        guard version == .v3 else { return files }
        return files.map { file in
            switch file.path {
            case "Chart.yaml": return (file.path, v3Chartfile)
            case "values.yaml": return (file.path, v3Values)
            default: return file
            }
        }
    }

    static let v3Chartfile = "apiVersion: v3\n" + chartfile.dropFirst("apiVersion: v2\n".count)

    static let v3Values: String = {
        var text = values
        for (old, new) in v3ValueEdits { text = text.replacingAll(old, with: new) }
        return text
    }()

    static let v3ValueEdits: [(String, String)] = [
        ("  # Specifies whether a service account should be created.\n",
         "  # Specifies whether a service account should be created\n"),
        ("  # Annotations to add to the service account.\n", "  # Annotations to add to the service account\n"),
        ("  # If not set and create is true, a name is generated using the fullname template.\n",
         "  # If not set and create is true, a name is generated using the fullname template\n"),
        ("    # - secretName: chart-example-tls\n    #   hosts:\n    #     - chart-example.local\n",
         "  #  - secretName: chart-example-tls\n  #    hosts:\n  #      - chart-example.local\n"),
        ("""
           # We usually recommend not to specify default resources and to leave this as a conscious
           # choice for the user. This also increases chances charts run on environments with little
           # resources, such as Minikube. If you do want to specify resources, uncomment the following

         """,
         """
           # For publicly distributed charts, we recommend leaving 'resources' commented out.
           # This makes resource allocation a conscious choice for the user and increases the chances
           # charts run on a wide range of environments from low-resource clusters like Minikube to those
           # with strict resource policies. If you do want to specify resources, uncomment the following

         """),
        ("  # - name: foo\n  #   secret:\n  #     secretName: mysecret\n  #     optional: false\n",
         "# - name: foo\n#   secret:\n#     secretName: mysecret\n#     optional: false\n"),
        ("  # - name: foo\n  #   mountPath: \"/etc/foo\"\n  #   readOnly: true\n",
         "# - name: foo\n#   mountPath: \"/etc/foo\"\n#   readOnly: true\n"),
    ]
}
