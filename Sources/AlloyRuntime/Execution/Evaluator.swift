import AlloyCore

/// An expression that could not be evaluated, such as a division by zero.
public struct EvaluationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var source: SourceRef?
    public var description: String { source.map { "\($0): \(message)" } ?? message }
}

/// The values an expression can read.
public struct Environment: Sendable {
    public var event: JSONValue
    public var userId: String
    public var steps: [String: JSONValue] = [:]
    public var variables: [String: JSONValue] = [:]
    public var input: JSONValue = .null

    public init(event: JSONValue, userId: String) {
        self.event = event
        self.userId = userId
    }
}

/// Evaluates lowered expressions with the meaning the checker promised: paths through null
/// give null, an index out of range gives null, `+` adds numbers or joins strings.
public enum Evaluator {
    public static func evaluate(_ expression: ExpressionPlan, _ environment: Environment) throws(EvaluationError) -> JSONValue {
        func fail(_ message: String) -> EvaluationError { EvaluationError(message: message, source: expression.source) }
        switch expression.kind {
        case .literal(let value):
            return value
        case .path(let root, let path):
            var value: JSONValue
            switch root {
            case .event: value = environment.event
            case .user: value = .object([("id", .string(environment.userId))])
            case .input: value = environment.input
            case .step(let name): value = environment.steps[name] ?? .null
            case .variable(let name): value = environment.variables[name] ?? .null
            }
            for field in path {
                value = member(value, field)
            }
            return value
        case .member(let base, let field):
            return member(try evaluate(base, environment), field)
        case .index(let base, let index):
            let container = try evaluate(base, environment)
            let position = try evaluate(index, environment)
            guard case .array(let items) = container, let offset = position.intValue, offset >= 0, offset < Int64(items.count) else { return .null }
            return items[Int(offset)]
        case .call(let function, let arguments):
            var values: [JSONValue] = []
            for argument in arguments { values.append(try evaluate(argument, environment)) }
            return try call(function, values, fail)
        case .interpolation(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let literal): text += literal
                case .value(let inner): text += display(try evaluate(inner, environment))
                }
            }
            return .string(text)
        case .array(let items):
            var values: [JSONValue] = []
            for item in items { values.append(try evaluate(item, environment)) }
            return .array(values)
        case .object(let fields):
            var members: [(String, JSONValue)] = []
            for (name, value) in fields { members.append((name, try evaluate(value, environment))) }
            return .object(members)
        case .not(let operand):
            guard case .bool(let value) = try evaluate(operand, environment) else { throw fail("'!' needs a Bool") }
            return .bool(!value)
        case .negate(let operand):
            switch try evaluate(operand, environment) {
            case .int(let value):
                guard value != Int64.min else { throw fail("integer overflow in '-'") }
                return .int(-value)
            case .number(let value): return .number(-value)
            default: throw fail("'-' needs a number")
            }
        case .binary(let op, let left, let right):
            return try binary(op, left, right, environment, fail)
        case .conditional(let condition, let then, let otherwise):
            guard case .bool(let value) = try evaluate(condition, environment) else { throw fail("the condition of '?:' must be Bool") }
            return try evaluate(value ? then : otherwise, environment)
        }
    }

    static func member(_ value: JSONValue, _ field: String) -> JSONValue {
        guard case .object(let members) = value else { return .null }
        for (key, member) in members where key == field { return member }
        return .null
    }

    /// How interpolation prints a value: as JSON, without quotes around strings.
    public static func display(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.serialized()
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let v): return Double(v)
        case .number(let v): return v
        default: return nil
        }
    }

    private static func binary(_ op: ExpressionPlan.BinaryOperator, _ leftExpression: ExpressionPlan, _ rightExpression: ExpressionPlan,
                               _ environment: Environment, _ fail: (String) -> EvaluationError) throws(EvaluationError) -> JSONValue {
        let left = try evaluate(leftExpression, environment)
        switch op {
        case .coalesce:
            return left == .null ? try evaluate(rightExpression, environment) : left
        case .and:
            guard case .bool(let a) = left else { throw fail("'&&' needs Bool operands") }
            if !a { return .bool(false) }
            guard case .bool(let b) = try evaluate(rightExpression, environment) else { throw fail("'&&' needs Bool operands") }
            return .bool(b)
        case .or:
            guard case .bool(let a) = left else { throw fail("'||' needs Bool operands") }
            if a { return .bool(true) }
            guard case .bool(let b) = try evaluate(rightExpression, environment) else { throw fail("'||' needs Bool operands") }
            return .bool(b)
        default:
            break
        }
        let right = try evaluate(rightExpression, environment)
        switch op {
        case .equal: return .bool(left == right)
        case .notEqual: return .bool(left != right)
        case .less, .lessEqual, .greater, .greaterEqual:
            let order: Int
            if let a = number(left), let b = number(right) {
                order = a < b ? -1 : (a > b ? 1 : 0)
            } else if case .string(let a) = left, case .string(let b) = right {
                let x = Array(a.utf8), y = Array(b.utf8)
                order = x.lexicographicallyPrecedes(y) ? -1 : (x == y ? 0 : 1)
            } else {
                throw fail("'\(op.rawValue)' needs two numbers or two strings")
            }
            switch op {
            case .less: return .bool(order < 0)
            case .lessEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .add:
            if case .string(let a) = left, case .string(let b) = right { return .string(a + b) }
            if case .int(let a) = left, case .int(let b) = right {
                let (sum, overflow) = a.addingReportingOverflow(b)
                if overflow { throw fail("integer overflow in '+'") }
                return .int(sum)
            }
            guard let a = number(left), let b = number(right) else { throw fail("'+' needs two numbers or two strings") }
            return .number(a + b)
        case .subtract, .multiply:
            if case .int(let a) = left, case .int(let b) = right {
                let (result, overflow) = op == .subtract ? a.subtractingReportingOverflow(b) : a.multipliedReportingOverflow(by: b)
                if overflow { throw fail("integer overflow in '\(op.rawValue)'") }
                return .int(result)
            }
            guard let a = number(left), let b = number(right) else { throw fail("'\(op.rawValue)' needs numbers") }
            return .number(op == .subtract ? a - b : a * b)
        case .divide:
            guard let a = number(left), let b = number(right) else { throw fail("'/' needs numbers") }
            guard b != 0 else { throw fail("division by zero") }
            return .number(a / b)
        case .remainder:
            if case .int(let a) = left, case .int(let b) = right {
                guard b != 0 else { throw fail("division by zero in '%'") }
                if b == -1 { return .int(0) }
                return .int(a % b)
            }
            guard let a = number(left), let b = number(right) else { throw fail("'%' needs numbers") }
            guard b != 0 else { throw fail("division by zero in '%'") }
            return .number(a.truncatingRemainder(dividingBy: b))
        case .coalesce, .and, .or:
            return .null
        }
    }

    private static func call(_ function: ExpressionPlan.Function, _ values: [JSONValue], _ fail: (String) -> EvaluationError) throws(EvaluationError) -> JSONValue {
        func text(_ index: Int) throws(EvaluationError) -> String {
            guard index < values.count, case .string(let value) = values[index] else { throw fail("\(function.rawValue) needs a String") }
            return value
        }
        switch function {
        case .upper: return .string(try text(0).uppercased())
        case .lower: return .string(try text(0).lowercased())
        case .trim:
            let value = try text(0)
            let scalars = value.unicodeScalars
            guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
                  let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return .string("") }
            return .string(String(scalars[first...last]))
        case .len:
            switch values.first {
            case .string(let value)?: return .int(Int64(value.count))
            case .array(let items)?: return .int(Int64(items.count))
            default: throw fail("len needs a String or an array")
            }
        case .join:
            guard case .array(let items)? = values.first else { throw fail("join needs an array") }
            let separator = try text(1)
            return .string(items.map(display).joined(separator: separator))
        case .string:
            return .string(display(values.first ?? .null))
        case .contains:
            guard values.count == 2 else { throw fail("contains needs two arguments") }
            switch values[0] {
            case .string(let haystack):
                guard case .string(let needle) = values[1] else { throw fail("contains needs a String to look for") }
                return .bool(needle.isEmpty || haystack.contains(needle))
            case .array(let items):
                return .bool(items.contains(values[1]))
            default:
                throw fail("contains needs a String or an array")
            }
        }
    }
}
