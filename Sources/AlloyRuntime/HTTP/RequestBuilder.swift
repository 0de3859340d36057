import AlloyCore

/// An HTTP request, before it is handed to URLSession.
public struct PreparedRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public static func == (a: PreparedRequest, b: PreparedRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body
            && a.headers.count == b.headers.count && zip(a.headers, b.headers).allSatisfy { $0 == $1 }
    }
}

/// Turns a call into a request: the path template with percent-encoded values, the input as
/// a JSON body (or a query string for GET and DELETE), and the user's credential as the
/// connector's `auth` says.
public enum RequestBuilder {
    /// Builds the request for a call. `base` overrides the connector's base URL.
    public static func build(_ call: ActionCall, base override: String?, token: String?) throws(CallFailure) -> PreparedRequest {
        let action = call.action
        var url: String
        var remaining: [(String, JSONValue)] = []
        guard case .object(let inputs) = call.input else { throw CallFailure("the step's input is not an object") }
        if call.connector.isBuiltin {
            guard let target = call.input["url"]?.stringValue, StringFormat.isURL(target) else {
                throw CallFailure("http.\(action.name) needs 'url' to be an absolute http(s) URL, got \(Validator.describe(call.input["url"] ?? .null))")
            }
            url = target
            if let override {
                url = rebase(target, onto: override)
            }
            if action.method != "GET" && action.method != "DELETE" {
                let body = call.input["body"] ?? .null
                return PreparedRequest(method: action.method, url: url, headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                                       body: body.serializedBytes())
            }
            return PreparedRequest(method: action.method, url: url, headers: [("Accept", "application/json")], body: nil)
        }
        guard var base = override ?? call.connector.base else { throw CallFailure("connector \(call.connector.name) has no base URL") }
        while base.hasSuffix("/") { base.removeLast() }
        var path = ""
        var used = Set<String>()
        for part in action.path {
            switch part {
            case .text(let text): path += text
            case .input(let name):
                used.insert(name)
                let value = call.input[name] ?? .null
                guard value != .null else { throw CallFailure("the path needs input '\(name)', but it is null") }
                path += encodePathSegment(Evaluator.display(value))
            }
        }
        url = base + path
        remaining = inputs.filter { !used.contains($0.0) }
        var headers: [(String, String)] = [("Accept", "application/json")]
        switch call.connector.auth {
        case .none: break
        case .bearer: headers.append(("Authorization", "Bearer \(token ?? "")"))
        case .header(let name): headers.append((name, token ?? ""))
        }
        if action.method == "GET" || action.method == "DELETE" {
            let query = queryString(remaining)
            if !query.isEmpty { url += (url.contains("?") ? "&" : "?") + query }
            return PreparedRequest(method: action.method, url: url, headers: headers, body: nil)
        }
        headers.insert(("Content-Type", "application/json"), at: 0)
        return PreparedRequest(method: action.method, url: url, headers: headers, body: JSONValue.object(remaining).serializedBytes())
    }

    /// Points an absolute URL at another origin, keeping its path and query (for `--base http=…`).
    static func rebase(_ url: String, onto base: String) -> String {
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? Substring(url)
        let pathStart = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
        var prefix = base
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return prefix + afterScheme[pathStart...]
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters, so a value can never
    /// add a path segment, a query or a fragment; "." and ".." are encoded too.
    public static func encodePathSegment(_ value: String) -> String {
        if value == "." || value == ".." { return String(repeating: "%2E", count: value.count) }
        return percentEncode(value)
    }

    static func percentEncode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// `a=1&b=x&tags=a&tags=b`: arrays repeat the key, objects are sent as JSON, nulls are left out.
    static func queryString(_ members: [(String, JSONValue)]) -> String {
        var pairs: [String] = []
        for (key, value) in members {
            switch value {
            case .null: continue
            case .array(let items):
                for item in items where item != .null { pairs.append("\(percentEncode(key))=\(percentEncode(queryValue(item)))") }
            default:
                pairs.append("\(percentEncode(key))=\(percentEncode(queryValue(value)))")
            }
        }
        return pairs.joined(separator: "&")
    }

    private static func queryValue(_ value: JSONValue) -> String {
        switch value {
        case .object, .array: return value.serialized()
        default: return Evaluator.display(value)
        }
    }
}
