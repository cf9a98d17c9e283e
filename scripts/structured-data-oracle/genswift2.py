import json
exec(open("genswift.py").read().split("LONG = 400")[0])  # reuse sw()
d = json.load(open("exp4.json"))
L = ["import StructuredData", "import Templating", "import Testing", "",
 "/// Helm's serialization functions through real templates; expected outputs rendered by Helm v4.2.3",
 "/// (helm-python-sdk 0.2.2) with the same values.yaml.",
 "@Suite struct SerializationFunctionTests {",
 f"    static let valuesYAML = {sw(d['values'])}", "",
 "    static let cases: [(String, String)] = ["]
for t, x in d["cases"]:
    L.append(f"        ({sw(t)}, {sw(x)}),")
L += ["    ]", "",
 "    @Test(arguments: cases)",
 "    func rendersLikeHelm(template: String, expected: String) throws {",
 "        let values = try YAML.decode(Self.valuesYAML)",
 "        #expect(try render(template, values: values) == expected)",
 "    }", "",
 "}"]
open("/work/wt-data/Tests/TemplatingTests/SerializationFunctionTests.swift", "w").write("\n".join(L) + "\n")
