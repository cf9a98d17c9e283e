import ClusterAPI
import StructuredData
import Testing

@Suite struct SelectorsLabelTests {
    /// Input → canonical rendering.
    @Test(arguments: [
        ("", ""),
        ("  ", ""),
        ("a=b", "a=b"),
        ("a==b", "a==b"),
        ("a!=b", "a!=b"),
        ("a", "a"),
        ("!a", "!a"),
        ("a in (y,x)", "a in (x,y)"),
        ("a notin (x)", "a notin (x)"),
        ("b=1,a=2", "a=2,b=1"),
        ("x=,y", "x=,y"),
        ("a in ()", "a in ()"),
        ("a in (,x)", "a in (,x)"),
        ("k>3", "k>3"),
        ("k<3", "k<3"),
        ("app.kubernetes.io/name = web , tier!=db", "app.kubernetes.io/name=web,tier!=db"),
        ("name=in", "name=in"),
        ("in=notin", "in=notin"),
        ("owner=helm,name=rel1", "name=rel1,owner=helm"),
        ("a in (x),a notin (y)", "a in (x),a notin (y)"),
    ])
    func parsesToCanonicalForm(_ input: String, _ canonical: String) throws {
        #expect(try LabelSelector(parsing: input).description == canonical)
    }

    static let qualifiedNameHelp =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let valueHelp =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

    @Test(arguments: [
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("a,", "found '', expected: identifier after ','"),
        (",a", "found ',', expected: !, identifier, or 'end of string'"),
        ("=a", "found '=', expected: !, identifier, or 'end of string'"),
        ("a in x", "unable to parse requirement: found 'x' expected: '('"),
        ("a in (x", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("a in (x y)", "unable to parse requirement: found 'y', expected: ',' or ')'"),
        ("a x", "unable to parse requirement: found 'x', expected: in, notin, =, ==, !=, gt, lt"),
        ("a=(", "unable to parse requirement: found '(', expected: identifier"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        ("-a=b", "unable to parse requirement: <nil>: Invalid value: \"-a\": \(qualifiedNameHelp)"),
        ("a=-b", "unable to parse requirement: values[0][a]: Invalid value: \"-b\": \(valueHelp)"),
        ("k>x", "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("Example.com/a=b", "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        ("a/b/c", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
        ("/a", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"),
        ("\(String(repeating: "k", count: 64))", "unable to parse requirement: <nil>: Invalid value: \"\(String(repeating: "k", count: 64))\": name part must be no more than 63 characters"),
    ])
    func parseErrors(_ input: String, _ message: String) {
        #expect(throws: SelectorError(message)) { try LabelSelector(parsing: input) }
    }

    static let labels = ["app": "web", "tier": "front", "n": "5"]

    @Test(arguments: [
        ("", true), ("app=web", true), ("app==web", true), ("app=db", false), ("app!=db", true), ("app!=web", false),
        ("missing!=x", true), ("app in (web,db)", true), ("app in (db)", false), ("app notin (db)", true),
        ("missing notin (db)", true), ("app notin (web)", false), ("app", true), ("missing", false), ("!missing", true),
        ("!app", false), ("n>4", true), ("n>5", false), ("n<6", true), ("app>1", false), ("missing<9", false),
        ("app=web,tier=front", true), ("app=web,tier=back", false),
    ])
    func matching(_ selector: String, _ expected: Bool) throws {
        #expect(try LabelSelector(parsing: selector).matches(labels: Self.labels) == expected)
    }

    @Test func objectForm() throws {
        let sel = try LabelSelector(object: ResourcesGolden.json("""
        {"matchLabels":{"b":"2","a":"1"},
         "matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]},
                             {"key":"legacy","operator":"DoesNotExist"},
                             {"key":"a","operator":"Exists"}]}
        """))
        #expect(sel.description == "a=1,a,b=2,env in (dev,prod),!legacy")
        #expect(sel.matches(labels: ["a": "1", "b": "2", "env": "dev"]))
        #expect(!sel.matches(labels: ["a": "1", "b": "2", "env": "dev", "legacy": ""]))
        #expect(!sel.matches(labels: ["a": "1", "b": "2"]))
        let object = ResourcesGolden.json(#"{"metadata":{"labels":{"a":"1","b":"2","env":"prod"}}}"#)
        #expect(sel.matches(object: object))
    }

    @Test func nilEmptyAndNothing() throws {
        #expect(try LabelSelector(object: nil).matches(labels: [:]) == false)
        #expect(try LabelSelector(object: .null).matchesNothing)
        let empty = try LabelSelector(object: [:])
        #expect(empty.isEverything && empty.matches(labels: ["x": "y"]))
        #expect(LabelSelector.everything.matches(labels: [:]))
        #expect(!LabelSelector.nothing.matches(labels: [:]))
        #expect(try LabelSelector(matchLabels: ["app": "web"]).description == "app=web")
    }

    @Test(arguments: [
        (#"{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]}"#, #""Gt" is not a valid label selector operator"#),
        (#"{"matchExpressions":[{"key":"a","operator":"In"}]}"#, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"),
        (#"{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}"#, #"values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist"#),
        (#"{"matchLabels":{"bad key":"x"}}"#, "key: Invalid value: \"bad key\": \(qualifiedNameHelp)"),
        (#"{"matchLabels":{"a":"x y"}}"#, "values[0][a]: Invalid value: \"x y\": \(valueHelp)"),
        (#"{"matchLabels":{"-k":"-v"}}"#, "[key: Invalid value: \"-k\": \(qualifiedNameHelp), values[0][-k]: Invalid value: \"-v\": \(valueHelp)]"),
        (#"{"matchLabels":["a"]}"#, "matchLabels must be an object"),
        (#""app=web""#, "label selector must be an object"),
    ])
    func objectFormErrors(_ json: String, _ message: String) {
        #expect(throws: SelectorError(message)) { try LabelSelector(object: ResourcesGolden.json(json)) }
    }
}
