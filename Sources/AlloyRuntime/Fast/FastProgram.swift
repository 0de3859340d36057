import AlloyCore
#if canImport(Glibc)
import Glibc
#endif

/// The steps an event triggers, compiled so a dry run goes from the event's bytes to each
/// step's input bytes directly: the fused reader validates and locates the fields, and the
/// inputs are written from those locations with no JSON tree in between.
///
/// Only plans whose workflows are plain lists of steps over event fields, literals, `user.id`,
/// interpolation, `??` and `?:` compile; anything else (and any document the reader does not
/// vouch for) takes the general path, which gives the same results.
public final class FastEventProgram: @unchecked Sendable {
    indirect enum Emit {
        case raw([UInt8])
        case slot(Int)
        case user
        case object([([UInt8], Emit)])
        case array([Emit])
        case interpolation([Part])
        case coalesce(Int, Emit)
        case conditional(Predicate, Emit, Emit)
        /// A Bool computed from event fields.
        case truth(Predicate)
    }

    enum Part {
        case text([UInt8])
        case slot(Int)
        /// `{{event.x ?? "literal"}}`: the slot, or the literal's text when it is null.
        case slotOr(Int, [UInt8])
        case user
    }

    indirect enum Predicate {
        case compare(Int, ExpressionPlan.BinaryOperator, Double)
        case equals(Int, [UInt8], negated: Bool)
        case isNull(Int, negated: Bool)
        case bool(Int)
        case not(Predicate)
        case and(Predicate, Predicate)
        case or(Predicate, Predicate)
    }

    struct Step {
        /// `"workflow":…,"step":…,"call":…,"input":`
        var prefix: [UInt8]
        var input: Emit
    }

    public let shape: EventShape
    let steps: [Step]
    /// How many steps each event runs.
    public var stepCount: Int { steps.count }

    private init(shape: EventShape, steps: [Step]) {
        self.shape = shape
        self.steps = steps
    }

    /// Compiles the workflows `event` triggers; nil when something needs the general path.
    public static func compile(_ plan: LoadedPlan, event: String) -> FastEventProgram? {
        guard let schema = plan.events[event]?.schema, let shape = EventShape(schema) else { return nil }
        var steps: [Step] = []
        for workflow in plan.workflowsByEvent[event] ?? [] {
            for statement in workflow.body {
                guard case .step(let step) = statement else { return nil }
                var fields: [([UInt8], Emit)] = []
                for (name, expression) in step.inputs {
                    guard let emit = compile(expression, shape) else { return nil }
                    fields.append((json(.string(name)) + [0x3A], emit))
                }
                let prefix = "\"workflow\":\(JSONValue.string(workflow.name).serialized()),\"step\":\(JSONValue.string(step.name).serialized()),\"call\":\(JSONValue.string(step.call).serialized()),\"input\":"
                steps.append(Step(prefix: Array(prefix.utf8), input: .object(fields)))
            }
        }
        return FastEventProgram(shape: shape, steps: steps)
    }

    private static func json(_ value: JSONValue) -> [UInt8] { Array(value.serialized().utf8) }

    private static func slot(_ expression: ExpressionPlan, _ shape: EventShape) -> Int? {
        guard case .path(.event, let path) = expression.kind, !path.isEmpty else { return nil }
        return shape.slot(for: path)
    }

    private static func compile(_ expression: ExpressionPlan, _ shape: EventShape) -> Emit? {
        switch expression.kind {
        case .literal(let value):
            return .raw(json(value))
        case .path(.user, let path) where path == ["id"]:
            return .user
        case .path(.event, _):
            return slot(expression, shape).map { .slot($0) }
        case .interpolation(let parts):
            var compiled: [Part] = []
            for part in parts {
                switch part {
                case .text(let text):
                    var escaped = ""
                    JSONValue.writeString(text, to: &escaped)
                    compiled.append(.text(Array(escaped.utf8.dropFirst().dropLast())))
                case .value(let inner):
                    if case .path(.user, let path) = inner.kind, path == ["id"] { compiled.append(.user); continue }
                    if case .literal(let value) = inner.kind {
                        var escaped = ""
                        JSONValue.writeString(Evaluator.display(value), to: &escaped)
                        compiled.append(.text(Array(escaped.utf8.dropFirst().dropLast())))
                        continue
                    }
                    if case .binary(.coalesce, let left, let right) = inner.kind, let index = slot(left, shape), case .literal(let value) = right.kind {
                        var escaped = ""
                        JSONValue.writeString(Evaluator.display(value), to: &escaped)
                        compiled.append(.slotOr(index, Array(escaped.utf8.dropFirst().dropLast())))
                        continue
                    }
                    guard let index = slot(inner, shape) else { return nil }
                    compiled.append(.slot(index))
                }
            }
            return .interpolation(compiled)
        case .binary(.coalesce, let left, let right):
            guard let index = slot(left, shape), let fallback = compile(right, shape) else { return nil }
            return .coalesce(index, fallback)
        case .conditional(let condition, let then, let otherwise):
            guard let predicate = predicate(condition, shape), let a = compile(then, shape), let b = compile(otherwise, shape) else { return nil }
            return .conditional(predicate, a, b)
        case .binary, .not:
            return predicate(expression, shape).map { .truth($0) }
        case .object(let fields):
            var compiled: [([UInt8], Emit)] = []
            for (name, value) in fields {
                guard let emit = compile(value, shape) else { return nil }
                compiled.append((json(.string(name)) + [0x3A], emit))
            }
            return .object(compiled)
        case .array(let items):
            var compiled: [Emit] = []
            for item in items {
                guard let emit = compile(item, shape) else { return nil }
                compiled.append(emit)
            }
            return .array(compiled)
        default:
            return nil
        }
    }

    private static func predicate(_ expression: ExpressionPlan, _ shape: EventShape) -> Predicate? {
        switch expression.kind {
        case .binary(let op, let left, let right):
            switch op {
            case .and, .or:
                guard let a = predicate(left, shape), let b = predicate(right, shape) else { return nil }
                return op == .and ? .and(a, b) : .or(a, b)
            case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                if case .literal(.null) = right.kind, let index = slot(left, shape), op == .equal || op == .notEqual {
                    return .isNull(index, negated: op == .notEqual)
                }
                if let index = slot(left, shape), case .literal(let value) = right.kind {
                    switch value {
                    case .int(let number): return .compare(index, op, Double(number))
                    case .number(let number): return .compare(index, op, number)
                    case .string(let text) where op == .equal || op == .notEqual:
                        var escaped = ""
                        JSONValue.writeString(text, to: &escaped)
                        return .equals(index, Array(escaped.utf8), negated: op == .notEqual)
                    default: return nil
                    }
                }
                return nil
            default:
                return nil
            }
        case .not(let inner):
            return predicate(inner, shape).map { .not($0) }
        case .path(.event, _):
            return slot(expression, shape).map { .bool($0) }
        default:
            return nil
        }
    }

    // MARK: Running

    /// The state of one line while its steps are written.
    struct Context {
        let base: UnsafePointer<UInt8>
        let slots: UnsafeMutableBufferPointer<EventShape.Slot>
        let user: [UInt8]
    }

    /// Writes the dry-run line of every step for one scanned event into `output`.
    /// Returns false (having written nothing) when a value needs the general path.
    public func write(line: Int, base: UnsafePointer<UInt8>, slots: UnsafeMutableBufferPointer<EventShape.Slot>,
               user: [UInt8], into output: inout [UInt8]) -> Bool {
        let mark = output.count
        let context = Context(base: base, slots: slots, user: user)
        for step in steps {
            output.append(contentsOf: FastEventProgram.linePrefix)
            FastEventProgram.appendInteger(line, to: &output)
            output.append(0x2C)
            output.append(contentsOf: step.prefix)
            guard emit(step.input, context, &output) else {
                output.removeSubrange(mark...)
                return false
            }
            output.append(0x7D)
            output.append(0x0A)
        }
        return true
    }

    static let linePrefix = Array("{\"line\":".utf8)

    static func appendInteger(_ value: Int, to output: inout [UInt8]) {
        if value == 0 { output.append(0x30); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value.magnitude
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                buffer[count] = UInt8(remaining % 10) + 0x30
                remaining /= 10
                count += 1
            }
            if value < 0 { output.append(0x2D) }
            while count > 0 {
                count -= 1
                output.append(buffer[count])
            }
        }
    }

    private func emit(_ emit: Emit, _ context: Context, _ output: inout [UInt8]) -> Bool {
        switch emit {
        case .raw(let bytes):
            output.append(contentsOf: bytes)
        case .user:
            output.append(contentsOf: context.user)
        case .slot(let index):
            return value(context.slots[index], context, &output)
        case .object(let fields):
            output.append(0x7B)
            for (offset, field) in fields.enumerated() {
                if offset > 0 { output.append(0x2C) }
                output.append(contentsOf: field.0)
                guard self.emit(field.1, context, &output) else { return false }
            }
            output.append(0x7D)
        case .array(let items):
            output.append(0x5B)
            for (offset, item) in items.enumerated() {
                if offset > 0 { output.append(0x2C) }
                guard self.emit(item, context, &output) else { return false }
            }
            output.append(0x5D)
        case .interpolation(let parts):
            output.append(0x22)
            for part in parts {
                switch part {
                case .text(let bytes): output.append(contentsOf: bytes)
                case .user: output.append(contentsOf: context.user.dropFirst().dropLast())
                case .slotOr(let index, let fallback):
                    let slot = context.slots[index]
                    if slot.kind == .absent || slot.kind == .null {
                        output.append(contentsOf: fallback)
                    } else {
                        guard interpolate(slot, context, &output) else { return false }
                    }
                case .slot(let index):
                    guard interpolate(context.slots[index], context, &output) else { return false }
                }
            }
            output.append(0x22)
        case .coalesce(let index, let fallback):
            let slot = context.slots[index]
            if slot.kind == .absent || slot.kind == .null { return self.emit(fallback, context, &output) }
            return value(slot, context, &output)
        case .conditional(let predicate, let then, let otherwise):
            guard let truth = evaluate(predicate, context) else { return false }
            return self.emit(truth ? then : otherwise, context, &output)
        case .truth(let predicate):
            guard let truth = evaluate(predicate, context) else { return false }
            output.append(contentsOf: truth ? FastEventProgram.trueBytes : FastEventProgram.falseBytes)
        }
        return true
    }

    static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    /// A slot's value as it prints inside a string.
    private func interpolate(_ slot: EventShape.Slot, _ context: Context, _ output: inout [UInt8]) -> Bool {
                    switch slot.kind {
                    case .string, .escapedString:
                        // The escaped content is already valid inside the output string.
                        output.append(contentsOf: UnsafeBufferPointer(start: context.base + slot.start + 1, count: slot.end - slot.start - 2))
                        return true
                    case .int, .bool:
                        return appendNumberText(slot, context, &output)
                    default:
                        return false
                    }
    }

    /// Integers and booleans print as written, except that "-0" prints as "0", as the general path does.
    private func appendNumberText(_ slot: EventShape.Slot, _ context: Context, _ output: inout [UInt8]) -> Bool {
        let length = slot.end - slot.start
        if length == 2 && context.base[slot.start] == 0x2D && context.base[slot.start + 1] == 0x30 {
            output.append(0x30)
        } else {
            output.append(contentsOf: UnsafeBufferPointer(start: context.base + slot.start, count: length))
        }
        return true
    }

    /// A slot's value as compact JSON.
    private func value(_ slot: EventShape.Slot, _ context: Context, _ output: inout [UInt8]) -> Bool {
        switch slot.kind {
        case .absent, .null:
            output.append(contentsOf: FastEventProgram.null)
        case .string, .bool:
            output.append(contentsOf: UnsafeBufferPointer(start: context.base + slot.start, count: slot.end - slot.start))
        case .int:
            return appendNumberText(slot, context, &output)
        case .escapedString, .number:
            // Escapes and fractions are normalised the way the general writer does.
            return false
        case .array, .object:
            // Copy without insignificant whitespace.
            var inString = false
            var index = slot.start
            while index < slot.end {
                let byte = context.base[index]
                if inString {
                    output.append(byte)
                    if byte == 0x5C { index += 1; output.append(context.base[index]) } else if byte == 0x22 { inString = false }
                } else if byte == 0x22 {
                    inString = true
                    output.append(byte)
                } else if byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 {
                    output.append(byte)
                }
                index += 1
            }
        }
        return true
    }

    static let null = Array("null".utf8)

    private func number(_ slot: EventShape.Slot, _ context: Context) -> Double? {
        guard slot.kind == .int || slot.kind == .number else { return nil }
        if slot.kind == .int {
            var value: Int64 = 0
            var index = slot.start
            let negative = context.base[index] == 0x2D
            if negative { index += 1 }
            while index < slot.end {
                value = value * 10 + Int64(context.base[index] - 0x30)
                index += 1
            }
            return Double(negative ? -value : value)
        }
        return Double(String(decoding: UnsafeBufferPointer(start: context.base + slot.start, count: slot.end - slot.start), as: UTF8.self))
    }

    private func evaluate(_ predicate: Predicate, _ context: Context) -> Bool? {
        switch predicate {
        case .compare(let index, let op, let literal):
            guard let value = number(context.slots[index], context) else { return nil }
            switch op {
            case .less: return value < literal
            case .lessEqual: return value <= literal
            case .greater: return value > literal
            case .greaterEqual: return value >= literal
            case .equal: return value == literal
            case .notEqual: return value != literal
            default: return nil
            }
        case .equals(let index, let literal, let negated):
            let slot = context.slots[index]
            guard slot.kind == .string else { return slot.kind == .absent || slot.kind == .null ? negated : nil }
            let length = slot.end - slot.start
            let same = length == literal.count && literal.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { memcmp($0, context.base + slot.start, length) == 0 } ?? (length == 0)
            }
            return same != negated
        case .isNull(let index, let negated):
            let kind = context.slots[index].kind
            return (kind == .absent || kind == .null) != negated
        case .bool(let index):
            let slot = context.slots[index]
            guard slot.kind == .bool else { return nil }
            return context.base[slot.start] == 0x74
        case .not(let inner):
            return evaluate(inner, context).map { !$0 }
        case .and(let a, let b):
            guard let left = evaluate(a, context) else { return nil }
            return left ? evaluate(b, context) : false
        case .or(let a, let b):
            guard let left = evaluate(a, context) else { return nil }
            return left ? true : evaluate(b, context)
        }
    }
}
