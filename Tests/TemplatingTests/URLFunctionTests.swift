import Testing
import Templating

@Suite struct URLFunctionTests {
    // Expectations from Helm v4.2.3 renders (printed with toJson there; goString here).
    @Test(arguments: [
        ("https://user:p%40ss@example.com:8080/a%20b/c?x=1&y=2#frag%21",
         "map[fragment:frag! host:example.com:8080 hostname:example.com opaque: path:/a b/c query:x=1&y=2 scheme:https userinfo:user:p%40ss]"),
        ("mailto:joe@example.com", "map[fragment: host: hostname: opaque:joe@example.com path: query: scheme:mailto userinfo:]"),
        ("/relative/path?q", "map[fragment: host: hostname: opaque: path:/relative/path query:q scheme: userinfo:]"),
        ("http://[::1]:80/x", "map[fragment: host:[::1]:80 hostname:::1 opaque: path:/x query: scheme:http userinfo:]"),
        ("a:b/c:d", "map[fragment: host: hostname: opaque:b/c:d path: query: scheme:a userinfo:]"),
        ("http://example.com?", "map[fragment: host:example.com hostname:example.com opaque: path: query: scheme:http userinfo:]"),
    ])
    func parse(url: String, want: String) throws {
        #expect(try callB("urlParse", .s(url)).goString == want)
    }

    @Test(arguments: [
        ("://x", "unable to parse url: parse \"://x\": missing protocol scheme"),
        ("http://a b.com/", "unable to parse url: parse \"http://a b.com/\": invalid character \" \" in host name"),
        ("http://x.com/%zz", "unable to parse url: parse \"http://x.com/%zz\": invalid URL escape \"%zz\""),
        ("1http://x", "unable to parse url: parse \"1http://x\": first path segment in URL cannot contain colon"),
        ("http://h:x/", "unable to parse url: parse \"http://h:x/\": invalid port \":x\" after host"),
    ])
    func parseErrors(url: String, want: String) {
        #expect(callBError("urlParse", .s(url)) == want)
    }

    @Test func join() throws {
        let cases: [(TemplateValue, String)] = [
            (.d(["scheme": .s("https"), "host": .s("example.com:8443"), "path": .s("/a b"), "query": .s("x=1"),
                 "fragment": .s("f g"), "userinfo": .s("u:p@ss")]), "https://u:p%40ss@example.com:8443/a%20b?x=1#f%20g"),
            (.d(["scheme": .s("mailto"), "opaque": .s("joe@example.com")]), "mailto:joe@example.com"),
            (.d(["path": .s("a:b")]), "./a:b"), (.d(["host": .s("h"), "path": .s("rel")]), "//h/rel"),
            (.d(["scheme": .s("file"), "path": .s("/etc")]), "file:///etc"), (.d(["userinfo": .s("a/b")]), ""),
        ]
        for (d, want) in cases { #expect(try callB("urlJoin", d).goString == want) }
        #expect(callBError("urlJoin", .d(["scheme": .i(1)]))
            == "unable to parse scheme key, must be of type string, but int found")
        #expect(try callB("getHostByName", .s("example.com")).goString == "")
    }
}
