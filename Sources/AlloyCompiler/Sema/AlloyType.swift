import AlloyCore

/// A type of the language, after names are resolved. Aliases are structural: a record keeps
/// the name it was declared with only for display.
public indirect enum AlloyType: Sendable, Hashable {
    case string, int, number, bool, email, url, dateTime
    /// A union of string literals, unique, in declaration order.
    case literals([String])
    case array(AlloyType)
    case record(Record)
    case optional(AlloyType)
    /// Any JSON value: everything is assignable to it, and it cannot be inspected.
    case json
    /// The type of the `null` literal.
    case null
    /// The element type of an empty array literal: assignable everywhere.
    case nothing
    /// The type of an expression that already has an error: absorbs further errors.
    case error

    /// A record type: ordered fields, and the alias name it was declared with, if any.
    public struct Record: Sendable, Hashable {
        public var name: String?
        public var fields: [Field]

        public init(name: String? = nil, fields: [Field]) {
            self.name = name
            self.fields = fields
        }

        public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
    }

    /// A field of a record.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var type: AlloyType
        public var doc: String?
        public var span: Span?

        public init(name: String, type: AlloyType, doc: String? = nil, span: Span? = nil) {
            self.name = name
            self.type = type
            self.doc = doc
            self.span = span
        }
    }

    /// Makes a type optional; optional types stay as they are.
    public var optional: AlloyType {
        switch self {
        case .optional, .null, .error: return self
        default: return .optional(self)
        }
    }

    /// The type without its optionality.
    public var unwrapped: AlloyType {
        if case .optional(let inner) = self { return inner }
        return self
    }

    public var isOptional: Bool {
        switch self {
        case .optional, .null: return true
        default: return false
        }
    }

    public var isError: Bool { self == .error }

    /// Strings in any format, and literal unions.
    public var isStringLike: Bool {
        switch self {
        case .string, .email, .url, .dateTime, .literals: return true
        default: return false
        }
    }

    public var isNumeric: Bool { self == .int || self == .number }

    /// A value that interpolation can print and `string()` can convert.
    public var isScalar: Bool { isStringLike || isNumeric || self == .bool }

    /// How the type is written in source.
    public var description: String {
        switch self {
        case .string: return "String"
        case .int: return "Int"
        case .number: return "Number"
        case .bool: return "Bool"
        case .email: return "Email"
        case .url: return "URL"
        case .dateTime: return "DateTime"
        case .literals(let values): return values.map { "\"\($0)\"" }.joined(separator: " | ")
        case .array(let element): return "[\(element.description)]"
        case .record(let record):
            if let name = record.name { return name }
            if record.fields.isEmpty { return "{}" }
            let fields = record.fields.prefix(4).map { "\($0.name): \($0.type.description)" }
            return "{ " + fields.joined(separator: ", ") + (record.fields.count > 4 ? ", …" : "") + " }"
        case .optional(let inner):
            if case .literals(let values) = inner, values.count > 1 { return "(\(inner.description))?" }
            return inner.description + "?"
        case .json: return "JSON"
        case .null: return "null"
        case .nothing: return "[]"
        case .error: return "<error>"
        }
    }

    /// The built-in type names.
    public static let builtins: [String: AlloyType] = [
        "String": .string, "Int": .int, "Number": .number, "Bool": .bool,
        "Email": .email, "URL": .url, "DateTime": .dateTime, "JSON": .json,
    ]
}

/// The outcome of asking whether a value of one type may be used where another is wanted.
public enum Assignability: Sendable, Equatable {
    case yes
    /// It would be, if it were not optional.
    case optional
    /// A string literal outside a literal union, or malformed for a format.
    case invalidLiteral(String)
    case no
}

extension AlloyType {
    /// Whether a value of type `self` may be used where `target` is expected. `literal` is the
    /// value of a plain string literal, for format and union checks.
    public func assignable(to target: AlloyType) -> Assignability {
        let source = self
        if source == .error || target == .error || target == .json || source == .nothing { return .yes }
        if case .optional(let inner) = target {
            if source == .null { return .yes }
            return source.unwrapped.assignable(to: inner)
        }
        if source == .null { return .optional }
        if case .optional(let inner) = source {
            return inner.assignable(to: target) == .yes ? .optional : .no
        }
        switch (source, target) {
        case (.int, .number): return .yes
        case (.literals(let values), .email), (.literals(let values), .url), (.literals(let values), .dateTime):
            for value in values {
                if let format = target.format, let problem = format.problem(value) { return .invalidLiteral(problem) }
            }
            return .yes
        case (.email, .string), (.url, .string), (.dateTime, .string), (.literals, .string): return .yes
        case (.literals(let values), .literals(let allowed)):
            let outside = values.filter { !allowed.contains($0) }
            if outside.isEmpty { return .yes }
            return .invalidLiteral("\"\(outside[0])\" is not one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
        case (.array(let element), .array(let wanted)):
            // An element's own reason (a malformed literal, an optional) is the array's reason.
            return element.assignable(to: wanted)
        case (.record(let have), .record(let want)):
            for field in want.fields {
                if let present = have.field(field.name) {
                    let fits = present.type.assignable(to: field.type)
                    if fits != .yes { return fits }
                } else if !field.type.isOptional && field.type != .error {
                    return .no
                }
            }
            return .yes
        default:
            return source == target ? .yes : .no
        }
    }

    /// The narrowest type both values fit, as for the branches of `?:` or array elements.
    public func joined(with other: AlloyType) -> AlloyType? {
        if self == .error || other == .error { return .error }
        if self == .nothing { return other }
        if other == .nothing { return self }
        if self == .null { return other.optional }
        if other == .null { return optional }
        if isOptional || other.isOptional {
            return unwrapped.joined(with: other.unwrapped).map { $0.optional }
        }
        if case .literals(let a) = self, case .literals(let b) = other {
            return .literals(a + b.filter { !a.contains($0) })
        }
        if other.assignable(to: self) == .yes { return self }
        if assignable(to: other) == .yes { return other }
        if isNumeric && other.isNumeric { return .number }
        if isStringLike && other.isStringLike { return .string }
        if case .array(let a) = self, case .array(let b) = other, let element = a.joined(with: b) { return .array(element) }
        if case .record(let a) = self, case .record(let b) = other {
            // Records join field by field; a field only one side has becomes optional.
            var fields: [Field] = []
            for field in a.fields {
                if let match = b.field(field.name) {
                    guard let type = field.type.joined(with: match.type) else { return nil }
                    fields.append(Field(name: field.name, type: type, doc: field.doc, span: field.span))
                } else {
                    fields.append(Field(name: field.name, type: field.type.optional, doc: field.doc, span: field.span))
                }
            }
            for field in b.fields where a.field(field.name) == nil {
                fields.append(Field(name: field.name, type: field.type.optional, doc: field.doc, span: field.span))
            }
            return .record(Record(name: a.name == b.name ? a.name : nil, fields: fields))
        }
        return nil
    }
}

extension AlloyType {
    /// The string format this type checks, if any.
    public var format: StringFormat? {
        switch self {
        case .email: return .email
        case .url: return .url
        case .dateTime: return .dateTime
        default: return nil
        }
    }
}
