import Foundation
import StructuredData
// input: JSON list of {"op":..., "text":...}; output JSON list of {"ok":..} / {"err":..}
let data = FileManager.default.contents(atPath: CommandLine.arguments[1])!
let cases = try! JSONSerialization.jsonObject(with: data) as! [[String: String]]
var results: [[String: String]] = []
let tplPrefix = "template: t/templates/x.txt:1:26: executing \"t/templates/x.txt\" at <mustFromJson>: error calling mustFromJson: "
for c in cases {
    let text = c["text"]!
    do {
        switch c["op"]! {
        case "toYaml":
            let v = try YAML.decode(text)
            var s = try YAML.encodeChecked(v["v"] ?? .null)
            if s.hasSuffix("\n") { s.removeLast() }
            results.append(["ok": s])
        case "toYamlPretty":
            let v = try YAML.decode(text)
            var s = YAML.encodePretty(v["v"] ?? .null)
            if s.hasSuffix("\n") { s.removeLast() }
            results.append(["ok": s])
        case "toJson":
            let v = try YAML.decode(text)
            results.append(["ok": JSON.encode(v["v"] ?? .null)])
        case "decode":
            do {
                let v = try YAML.decode(text)
                switch v {
                case .null: results.append(["ok": "{}"])
                case .map: results.append(["ok": JSON.encode(v)])
                case .list: results.append(["ok": JSON.encode(["Error": "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"])])
                case .string: results.append(["ok": JSON.encode(["Error": "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}"])])
                default: results.append(["ok": JSON.encode(["Error": "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go value of type map[string]interface {}"])])
                }
            } catch {
                results.append(["ok": JSON.encode(["Error": .string("error converting YAML to JSON: \(error)")])])
            }
        case "jsondecode":
            do {
                let v = try JSON.decode(text)
                results.append(["ok": JSON.encode(v)])
            } catch {
                results.append(["err": tplPrefix + "\(error)"])
            }
        case "toToml":
            let v = try YAML.decode(text)
            do { results.append(["ok": try TOML.encode(v["v"] ?? .null)]) } catch { results.append(["ok": error.message]) }
        case "fromToml":
            do { results.append(["ok": JSON.encode(try TOML.decode(text))]) } catch { results.append(["ok": JSON.encode(["Error": .string(error.message)])]) }
        case "bench":
            let t0 = Date()
            let v = try YAML.decode(text)
            let t1 = Date()
            let y = YAML.encode(v)
            let t2 = Date()
            let j = JSON.encode(v)
            let t3 = Date()
            let p = YAML.encodePretty(v)
            let t4 = Date()
            results.append(["ok": "decode \(t1.timeIntervalSince(t0)) toYaml \(t2.timeIntervalSince(t1)) toJson \(t3.timeIntervalSince(t2)) pretty \(t4.timeIntervalSince(t3)) \(y.count + j.count + p.count)"])
        default: break
        }
    } catch {
        results.append(["err": "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: \(error)"])
    }
}
let out = try! JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted])
print(String(decoding: out, as: UTF8.self))
