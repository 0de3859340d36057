import AlloyCore

/// One reason event data does not match its schema.
public struct ValidationProblem: Sendable, Hashable, CustomStringConvertible {
    /// A JSON Pointer (RFC 6901) to the offending value; "" is the whole document.
    public var pointer: String
    /// What was expected.
    public var expected: String
    /// What was there ("missing" when absent).
    public var actual: String

    public var message: String { actual == "missing" ? "required field is missing (expected \(expected))" : "expected \(expected), got \(actual)" }
    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
}

/// Checks data against a schema type, reporting every problem at once.
public enum Validator {
    /// Every problem with `value` as an instance of `type`; empty when it matches.
    /// Fields the schema does not declare are ignored.
    public static func validate(_ value: JSONValue, against type: ValueType) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        check(value, type, pointer: "", into: &problems)
        return problems
    }

    static func escape(_ key: String) -> String {
        guard key.contains("~") || key.contains("/") else { return key }
        return key.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    /// How a value is shown in a problem: short, and never more than a line.
    public static func describe(_ value: JSONValue) -> String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .string(let text):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            var out = ""
            JSONValue.writeString(shown, to: &out)
            return out
        default: return value.serialized()
        }
    }

    private static func check(_ value: JSONValue, _ type: ValueType, pointer: String, into problems: inout [ValidationProblem]) {
        func mismatch(_ expected: String) {
            problems.append(ValidationProblem(pointer: pointer, expected: expected, actual: describe(value)))
        }
        switch type {
        case .json:
            return
        case .optional(let inner):
            if value == .null { return }
            check(value, inner, pointer: pointer, into: &problems)
        case .string:
            if case .string = value {} else { mismatch("String") }
        case .email, .url, .dateTime:
            guard case .string(let text) = value else { return mismatch(type.description) }
            let format: StringFormat = type == .email ? .email : (type == .url ? .url : .dateTime)
            if format.problem(text) != nil {
                problems.append(ValidationProblem(pointer: pointer, expected: format == .email ? "an email address" : (format == .url ? "an absolute http(s) URL" : "an RFC 3339 date-time"), actual: describe(value)))
            }
        case .oneOf(let allowed):
            guard case .string(let text) = value, allowed.contains(text) else {
                return mismatch("one of " + allowed.map { "\"\($0)\"" }.joined(separator: ", "))
            }
        case .int:
            if value.intValue == nil { mismatch("Int") }
        case .number:
            switch value {
            case .int, .number: break
            default: mismatch("Number")
            }
        case .bool:
            if case .bool = value {} else { mismatch("Bool") }
        case .array(let element):
            guard case .array(let items) = value else { return mismatch("an array of \(element.description)") }
            for (index, item) in items.enumerated() {
                check(item, element, pointer: "\(pointer)/\(index)", into: &problems)
            }
        case .object(let fields):
            guard case .object(let members) = value else { return mismatch("an object") }
            for field in fields {
                let fieldPointer = "\(pointer)/\(escape(field.name))"
                if let member = members.first(where: { $0.0 == field.name }) {
                    check(member.1, field.type, pointer: fieldPointer, into: &problems)
                } else if case .optional = field.type {
                } else {
                    // A JSON field may hold any value, null included, but it must be there.
                    problems.append(ValidationProblem(pointer: fieldPointer, expected: field.type.description, actual: "missing"))
                }
            }
        }
    }

    /// A value of the type, used for the outputs of calls a dry run does not make.
    public static func placeholder(for type: ValueType) -> JSONValue {
        switch type {
        case .string: return .string("")
        case .int: return .int(0)
        case .number: return .int(0)
        case .bool: return .bool(false)
        case .email: return .string("user@example.com")
        case .url: return .string("https://example.com")
        case .dateTime: return .string("1970-01-01T00:00:00Z")
        case .oneOf(let values): return .string(values.first ?? "")
        case .array: return .array([])
        case .object(let fields): return .object(fields.map { ($0.name, placeholder(for: $0.type)) })
        case .optional, .json: return .null
        }
    }
}
