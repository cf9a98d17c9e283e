import StructuredData

/// YAML/JSON/TOML template functions: Helm v4.2.3's own (`toYaml`, `fromYaml`, `toJson`, `fromJson`,
/// `toToml`, `fromToml`, their `must`/`Array`/`Pretty` variants) and Sprig's JSON ones
/// (`mustToJson`, `toPrettyJson`, `toRawJson`, `mustFromJson`).
extension FunctionRegistry {
    mutating func registerSerialization() {
        // toYaml never fails (errors → ""); mustToYaml reports sigs.k8s.io/yaml's error.
        // Both trim one trailing newline (strings.TrimSuffix).
        register("toYaml", [.any]) { a, _ in
            .string((try? SerializationFunctions.toYAML(a[0])) ?? "")
        }
        register("mustToYaml", [.any]) { a, _ in
            do throws(StructuredDataError) { return .string(try SerializationFunctions.toYAML(a[0])) } catch { throw FunctionError(error.message) }
        }
        register("toYamlPretty", [.any]) { a, _ in
            .string(SerializationFunctions.trimNewline(YAML.encodePretty(a[0].directDataValue)))
        }
        register("fromYaml", [.string]) { a, _ in SerializationFunctions.fromYAML(a[0].stringArg) }
        register("fromYamlArray", [.string]) { a, _ in SerializationFunctions.fromYAMLArray(a[0].stringArg) }

        register("toJson", [.any]) { a, _ in
            .string((try? JSON.encodeChecked(a[0].dataValue)) ?? "")
        }
        register("mustToJson", [.any]) { a, _ in
            do throws(StructuredDataError) { return .string(try JSON.encodeChecked(a[0].dataValue)) } catch { throw FunctionError(error.message) }
        }
        register("toPrettyJson", [.any]) { a, _ in
            .string((try? JSON.encodeChecked(a[0].dataValue, indent: "  ")) ?? "")
        }
        register("mustToPrettyJson", [.any]) { a, _ in
            do throws(StructuredDataError) { return .string(try JSON.encodeChecked(a[0].dataValue, indent: "  ")) } catch {
                throw FunctionError(error.message)
            }
        }
        // Sprig's toRawJson panics on error; text/template turns the panic into a call error.
        register("toRawJson", [.any]) { a, _ in
            do throws(StructuredDataError) { return .string(try JSON.encodeChecked(a[0].dataValue, escapeHTML: false)) } catch {
                throw FunctionError(error.message)
            }
        }
        register("mustToRawJson", [.any]) { a, _ in
            do throws(StructuredDataError) { return .string(try JSON.encodeChecked(a[0].dataValue, escapeHTML: false)) } catch {
                throw FunctionError(error.message)
            }
        }
        register("fromJson", [.string]) { a, _ in SerializationFunctions.fromJSON(a[0].stringArg) }
        register("fromJsonArray", [.string]) { a, _ in SerializationFunctions.fromJSONArray(a[0].stringArg) }
        // Sprig's: any JSON value, error reported.
        register("mustFromJson", [.string]) { a, _ in
            do throws(StructuredDataError) { return TemplateValue(try JSON.decode(a[0].stringArg)) } catch { throw FunctionError(error.message) }
        }

        // toToml returns the encoder's error text instead of failing.
        register("toToml", [.any]) { a, _ in
            do throws(StructuredDataError) { return .string(try TOML.encode(a[0].directDataValue)) } catch {
                if a[0].isNil { throw FunctionError(error.message) }  // Go panics on a nil interface
                return .string(error.message)
            }
        }
        register("mustToToml", [.any]) { a, _ in
            do throws(StructuredDataError) { return .string(try TOML.encode(a[0].directDataValue)) } catch {
                throw FunctionError(error.message)
            }
        }
        register("fromToml", [.string]) { a, _ in
            do throws(StructuredDataError) {
                return tomlValue(try TOML.decode(a[0].stringArg, markDates: true))
            } catch {
                return .map(["Error": .string(error.message)])
            }
        }
    }
}

/// Helm's wrappers around the codecs, with sigs.k8s.io/yaml's and encoding/json's error texts.
enum SerializationFunctions {
    /// sigs.k8s.io/yaml `Marshal` minus one trailing newline.
    static func toYAML(_ v: TemplateValue) throws(StructuredDataError) -> String {
        do throws(StructuredDataError) {
            return trimNewline(try YAML.encodeChecked(v.dataValue))
        } catch {
            throw StructuredDataError("error marshaling into JSON: \(error.message)")
        }
    }

    /// Go's `strings.TrimSuffix(s, "\n")` (bytes, so a final `\r\n` keeps its `\r`).
    static func trimNewline(_ s: String) -> String {
        s.utf8.last == 0x0A ? String(Substring(s.utf8.dropLast())) : s
    }

    /// Helm `fromYAML`: a map; on any error `{"Error": msg}` (sigs.k8s.io/yaml's wording).
    static func fromYAML(_ text: String) -> TemplateValue {
        do throws(StructuredDataError) {
            return TemplateValue(.map(try YAML.unmarshalMap(Array(text.utf8))))
        } catch {
            return .map(["Error": .string(error.message)])
        }
    }

    /// Helm `fromYAMLArray`: a list; on any error a one-element list holding the message.
    static func fromYAMLArray(_ text: String) -> TemplateValue {
        do throws(StructuredDataError) {
            return TemplateValue(.list(try YAML.unmarshalList(Array(text.utf8))))
        } catch {
            return .list([.string(error.message)])
        }
    }

    /// Helm `fromJSON`: a map; on error `{"Error": msg}`. (JSON `null` gives Go a nil map; an empty
    /// map stands in for it.)
    static func fromJSON(_ text: String) -> TemplateValue {
        do throws(StructuredDataError) {
            return TemplateValue(.map(try JSON.unmarshalMap(text)))
        } catch {
            return .map(["Error": .string(error.message)])
        }
    }

    /// Helm `fromJSONArray`: a list; on error a one-element list holding the message.
    static func fromJSONArray(_ text: String) -> TemplateValue {
        do throws(StructuredDataError) {
            return TemplateValue(.list(try JSON.unmarshalList(text)))
        } catch {
            return .list([.string(error.message)])
        }
    }
}

extension TemplateValue {
    /// The data form for encoders that walk Go values directly instead of going through JSON
    /// (go-yaml v3 for `toYamlPretty`, BurntSushi/toml): a `[]byte` is a list of numbers there
    /// (`- 104`), not the base64 string JSON makes of it.
    fileprivate var directDataValue: Value {
        switch self {
        case .bytes(let b): return .list(b.map { .int(Int64($0)) })
        case .list(let l, _): return .list(l.map(\.directDataValue))
        case .map(let m): return .map(m.storage.mapValues(\.directDataValue))
        default: return dataValue
        }
    }

    /// The payload of an argument the executor already converted to a Go `string`.
    fileprivate var stringArg: String {
        if case .string(let s) = self { return s }
        return stringified
    }
}

/// A decoded TOML value for templates: date-times become `time.Time` as BurntSushi decodes them.
func tomlValue(_ v: Value) -> TemplateValue {
    switch v {
    case .map(let m):
        if m.count == 1, case .string(let text)? = m[TOML.dateMarker] {
            if let t = try? GoTimeParse.parse("2006-01-02T15:04:05Z07:00", text, in: .utc) { return .object(t) }
            return .string(text)
        }
        return .map(MapRef(m.mapValues(tomlValue)))
    case .list(let l): return .list(l.map(tomlValue), .any)
    default: return TemplateValue(v)
    }
}
