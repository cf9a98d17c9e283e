/// Sprig v3.3.0's `urlParse` and `urlJoin` (`url.go`) over Go's `net/url` rules (``GoURL``).
extension FunctionRegistry {
    mutating func registerURLs() {
        register("urlParse", [.string]) { args, _ in
            let u: GoURL
            do { u = try GoURL.parse(RegexSupport.str(args[0])) } catch {
                throw FunctionError("unable to parse url: \(error)")
            }
            return .map([
                "scheme": .string(u.scheme), "host": .string(u.host), "hostname": .string(u.hostname),
                "path": .string(u.path), "query": .string(u.rawQuery), "opaque": .string(u.opaque),
                "fragment": .string(u.fragment), "userinfo": .string(u.userString ?? ""),
            ])
        }
        register("urlJoin", [.map]) { args, _ in
            let d = try DictSupport.map(args[0])
            func field(_ key: String) throws -> String {
                guard let v = d.storage[key] else { return "" }
                if case .string(let s) = v { return s }
                if v.isNil { throw FunctionError(ListSupport.nilPanic) }
                throw FunctionError("unable to parse \(key) key, must be of type string, but \(v.goKindName) found")
            }
            var u = GoURL()
            u.scheme = try field("scheme")
            u.host = try field("host")
            u.path = try field("path")
            u.rawQuery = try field("query")
            u.opaque = try field("opaque")
            u.fragment = try field("fragment")
            let info = try field("userinfo")
            if !info.isEmpty {
                do { u.user = try GoURL.parse("proto://\(info)@host").user } catch {
                    throw FunctionError("unable to parse userinfo in dict: \(error)")
                }
            }
            return .string(u.string)
        }
    }
}
