import Testing
import Templating
import StructuredData

@Suite struct SemverFunctionTests {
    // Expectations from Helm v4.2.3 (helm_python) renders.
    @Test(arguments: [
        (">= 1.2, < 2", "1.5.0", true), (">=1.20-0", "1.36.0-rc.1", true), (">=1.20", "1.36.0-rc.1", false),
        (">=1.20.0-0", "v1.36.0-gke.100", true), (">=1.20-0", "v1.36.0", true), ("^1.2.3", "1.9.0", true),
        ("^0.2.3", "0.3.0", false), ("~1.2.3", "1.3.0", false), ("1.2 - 1.4", "1.4.9", true),
        ("1.2 - 1.4.0", "1.4.9", false), ("1.x", "1.9.9", true), ("!=1.2.x", "1.2.5", false),
        ("*", "1.2.3-beta", false), (">1.2", "1.2.9", false), (">1.2", "1.3.0", true), ("<1.2", "1.1.9", true),
        ("=1.2.3", "1.2.3+meta", true), ("1.2.3", "v1.2.3", true), ("~1", "1.9.9", true), ("~1.2", "1.2.9", true),
        ("~0", "0.9.0", true), ("^0.0.3", "0.0.4", false), ("^0.0", "0.0.9", true),
        (">=1.2.3-alpha.1", "1.2.3-alpha.2", true), (">=1.2.3-alpha.1", "1.2.4-alpha.2", true),
        (">= 1.2 <2", "1.5.0", true), ("=>1.2", "1.5.0", true), ("~>1.2", "1.5.0", false),
        ("1.2.3 - 2.3.4 || >=5", "6.0.0", true), (">=1.2,<1.0", "1.5.0", false), ("v1.2.x", "1.2.1", true),
        (">=1.19.0-0 <1.30.0-0", "v1.28.3", true), ("<1.25-0", "v1.36.0", false),
    ])
    func compare(constraint: String, version: String, want: Bool) throws {
        #expect(try callB("semverCompare", .s(constraint), .s(version)).isTruthy == want)
    }

    @Test(arguments: [
        ("foo", "1.2.3", "improper constraint: \"foo\""), ("1.2 || foo", "1.2.3", "improper constraint: \" foo\""),
        (">=1.2 foo", "1.2.3", "improper constraint: \">=1.2 foo\""), ("", "1.2.3", "improper constraint: \"\""),
        (">1.2", "bad", "invalid semantic version"),
    ])
    func compareErrors(constraint: String, version: String, want: String) {
        #expect(callBError("semverCompare", .s(constraint), .s(version)) == want)
    }

    @Test(arguments: [
        ("1.2.3-beta.1+b5", "1.2.3-beta.1+b5"), ("v1.2", "1.2.0"), ("01.2.3", "1.2.3"), ("v1", "1.0.0"),
    ])
    func parse(input: String, want: String) throws {
        let v = try callB("semver", .s(input))
        #expect(v.goString == want)
        #expect(v.goTypeName == "*semver.Version")
    }

    @Test(arguments: [
        ("1.2.3-01", "version segment starts with 0"), ("1.2.3.4", "invalid semantic version"),
        ("", "invalid semantic version"), ("bad", "invalid semantic version"),
        ("99999999999999999999.1.1",
         "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range"),
    ])
    func parseErrors(input: String, want: String) {
        #expect(callBError("semver", .s(input)) == want)
    }

    @Test func methods() throws {
        guard case .object(let v) = try callB("semver", .s("v1.2.3-a+b")),
              case .object(let w) = try callB("semver", .s("1.2.4"))
        else { Issue.record("not objects"); return }
        func call(_ o: any TemplateObject, _ name: String, _ args: [TemplateValue] = []) throws -> TemplateValue {
            guard case .method(let f)? = o.member(name) else { throw FunctionError("no \(name)") }
            return try f(args)
        }
        #expect(try call(v, "Major").goTypeName == "uint64")
        #expect(try call(v, "Minor").goString == "2")
        #expect(try call(v, "Prerelease").goString == "a")
        #expect(try call(v, "Metadata").goString == "b")
        #expect(try call(v, "Original").goString == "v1.2.3-a+b")
        #expect(try call(v, "Compare", [.object(w)]).goString == "-1")
        #expect(try call(v, "LessThan", [.object(w)]).isTruthy)
        #expect(try call(w, "IncMinor").goString == "1.3.0")
        #expect(try call(w, "IncPatch").goString == "1.2.5")
        #expect(try call(v, "IncPatch").goString == "1.2.3")
        guard case .object(let a) = try callB("semver", .s("1.2.3-alpha.10")),
              case .object(let b) = try callB("semver", .s("1.2.3-alpha.9"))
        else { return }
        #expect(try !call(a, "LessThan", [.object(b)]).isTruthy)
        #expect(v.dataValue == .string("1.2.3-a+b"))
    }
}
