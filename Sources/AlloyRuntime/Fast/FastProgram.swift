import AlloyCore
#if canImport(Glibc)
import Glibc
#endif

/// The steps an event triggers, compiled so a dry run goes from the event's bytes to each
/// step's input bytes directly: the fused reader validates and locates the fields, and a
/// flat list of byte-writing instructions copies them into the output.
///
/// Only plans whose workflows are plain lists of steps over event fields, literals, `user.id`,
/// interpolation, comparisons, `??` and `?:` compile; anything else (and any document the
/// reader does not vouch for) takes the general path, which gives the same results.
public final class FastEventProgram: @unchecked Sendable {
    /// One instruction. Plain values only, so running them costs no reference counting.
    struct Op {
        enum Code: UInt8 {
            /// Append constants[a ..< a+b].
            case raw
            /// Append the JSON value of slot a.
            case value
            /// Append the user id as a JSON string (b = 1: without its quotes, inside a string).
            case user
            /// Append slot a as it prints inside a string.
            case interpolate
            /// Append slot a inside a string, or constants[b ..< b+c] when it is null or absent.
            case interpolateOr
            /// Slot a present: append its value and jump to b; otherwise go on (to the fallback).
            case coalesce
            /// Evaluate predicate a; jump to b when false.
            case branchIfFalse
            /// Jump to a.
            case jump
            /// Append predicate a as `true` or `false`.
            case truth
            /// Append the line number.
            case line
        }

        var code: Code
        var a: Int32 = 0
        var b: Int32 = 0
        var c: Int32 = 0
    }

    /// A condition over slots; children are indices into the same list.
    struct Condition {
        enum Code: UInt8 { case compare, equals, isNull, bool, not, and, or }
        var code: Code
        var slot: Int32 = 0
        var op: ExpressionPlan.BinaryOperator = .equal
        var number: Double = 0
        /// equals: constants range of the quoted literal; not/and/or: child indices.
        var a: Int32 = 0
        var b: Int32 = 0
        var negated = false
    }

    public let shape: EventShape
    /// How many steps each event runs.
    public let stepCount: Int
    private let ops: [Op]
    private let conditions: [Condition]
    private let constants: [UInt8]

    private init(shape: EventShape, stepCount: Int, ops: [Op], conditions: [Condition], constants: [UInt8]) {
        self.shape = shape
        self.stepCount = stepCount
        self.ops = ops
        self.conditions = conditions
        self.constants = constants
    }

    // MARK: Compiling

    private struct Compiler {
        let shape: EventShape
        var ops: [Op] = []
        var conditions: [Condition] = []
        /// Starts with "truefalsenull", which the writer uses at offsets 0, 4 and 9.
        var constants: [UInt8] = Array("truefalsenull".utf8)

        mutating func constant(_ bytes: [UInt8]) -> (Int32, Int32) {
            let start = Int32(constants.count)
            constants.append(contentsOf: bytes)
            return (start, Int32(bytes.count))
        }

        /// Ops before this index may not grow: a jump lands here.
        var barrier = 0

        /// The index the next op will have, as a jump target.
        mutating func target() -> Int32 {
            barrier = ops.count
            return Int32(ops.count)
        }

        mutating func raw(_ bytes: [UInt8]) {
            guard !bytes.isEmpty else { return }
            // Adjacent constants merge into one copy, unless a jump lands between them.
            if let last = ops.last, ops.count - 1 >= barrier, last.code == .raw, Int(last.a + last.b) == constants.count {
                constants.append(contentsOf: bytes)
                ops[ops.count - 1].b += Int32(bytes.count)
                return
            }
            let (start, count) = constant(bytes)
            ops.append(Op(code: .raw, a: start, b: count))
        }

        func slot(_ expression: ExpressionPlan) -> Int32? {
            guard case .path(.event, let path) = expression.kind, !path.isEmpty, let index = shape.slot(for: path) else { return nil }
            return Int32(index)
        }

        static func escapedText(_ text: String) -> [UInt8] {
            var escaped = ""
            JSONValue.writeString(text, to: &escaped)
            return Array(escaped.utf8.dropFirst().dropLast())
        }

        /// Emits code that writes the JSON value of `expression`; false when unsupported.
        mutating func value(_ expression: ExpressionPlan) -> Bool {
            switch expression.kind {
            case .literal(let value):
                raw(value.serializedBytes())
            case .path(.user, let path) where path == ["id"]:
                ops.append(Op(code: .user))
            case .path(.event, _):
                guard let index = slot(expression) else { return false }
                ops.append(Op(code: .value, a: index))
            case .interpolation(let parts):
                raw([0x22])
                for part in parts {
                    switch part {
                    case .text(let text):
                        raw(Compiler.escapedText(text))
                    case .value(let inner):
                        if case .path(.user, let path) = inner.kind, path == ["id"] { ops.append(Op(code: .user, b: 1)); continue }
                        if case .literal(let value) = inner.kind { raw(Compiler.escapedText(Evaluator.display(value))); continue }
                        if case .binary(.coalesce, let left, let right) = inner.kind, let index = slot(left), case .literal(let value) = right.kind {
                            let (start, count) = constant(Compiler.escapedText(Evaluator.display(value)))
                            ops.append(Op(code: .interpolateOr, a: index, b: start, c: count))
                            continue
                        }
                        guard let index = slot(inner) else { return false }
                        ops.append(Op(code: .interpolate, a: index))
                    }
                }
                raw([0x22])
            case .binary(.coalesce, let left, let right):
                guard let index = slot(left) else { return false }
                let coalesce = ops.count
                ops.append(Op(code: .coalesce, a: index))
                guard value(right) else { return false }
                ops[coalesce].b = target()
            case .conditional(let condition, let then, let otherwise):
                guard let predicate = self.condition(condition) else { return false }
                let branch = ops.count
                ops.append(Op(code: .branchIfFalse, a: predicate))
                guard value(then) else { return false }
                let jump = ops.count
                ops.append(Op(code: .jump))
                ops[branch].b = target()
                guard value(otherwise) else { return false }
                ops[jump].a = target()
            case .binary, .not:
                guard let predicate = condition(expression) else { return false }
                ops.append(Op(code: .truth, a: predicate))
            case .object(let fields):
                raw([0x7B])
                for (offset, (name, field)) in fields.enumerated() {
                    raw((offset > 0 ? [0x2C] : []) + JSONValue.string(name).serializedBytes() + [0x3A])
                    guard value(field) else { return false }
                }
                raw([0x7D])
            case .array(let items):
                raw([0x5B])
                for (offset, item) in items.enumerated() {
                    if offset > 0 { raw([0x2C]) }
                    guard value(item) else { return false }
                }
                raw([0x5D])
            default:
                return false
            }
            return true
        }

        /// Compiles a Bool expression; returns its index in `conditions`.
        mutating func condition(_ expression: ExpressionPlan) -> Int32? {
            func add(_ condition: Condition) -> Int32 {
                conditions.append(condition)
                return Int32(conditions.count - 1)
            }
            switch expression.kind {
            case .binary(let op, let left, let right):
                switch op {
                case .and, .or:
                    guard let a = condition(left), let b = condition(right) else { return nil }
                    return add(Condition(code: op == .and ? .and : .or, a: a, b: b))
                case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                    guard let index = slot(left), case .literal(let value) = right.kind else { return nil }
                    switch value {
                    case .null where op == .equal || op == .notEqual:
                        return add(Condition(code: .isNull, slot: index, negated: op == .notEqual))
                    case .int(let number):
                        return add(Condition(code: .compare, slot: index, op: op, number: Double(number)))
                    case .number(let number):
                        return add(Condition(code: .compare, slot: index, op: op, number: number))
                    case .string(let text) where op == .equal || op == .notEqual:
                        let (start, count) = constant(JSONValue.string(text).serializedBytes())
                        return add(Condition(code: .equals, slot: index, a: start, b: count, negated: op == .notEqual))
                    default:
                        return nil
                    }
                default:
                    return nil
                }
            case .not(let inner):
                guard let child = condition(inner) else { return nil }
                return add(Condition(code: .not, a: child))
            case .path(.event, _):
                guard let index = slot(expression) else { return nil }
                return add(Condition(code: .bool, slot: index))
            default:
                return nil
            }
        }
    }

    /// Compiles the workflows `event` triggers; nil when something needs the general path.
    public static func compile(_ plan: LoadedPlan, event: String) -> FastEventProgram? {
        guard let schema = plan.events[event]?.schema, let shape = EventShape(schema) else { return nil }
        var compiler = Compiler(shape: shape)
        var stepCount = 0
        for workflow in plan.workflowsByEvent[event] ?? [] {
            for statement in workflow.body {
                guard case .step(let step) = statement else { return nil }
                stepCount += 1
                compiler.raw(Array("{\"line\":".utf8))
                compiler.ops.append(Op(code: .line))
                let prefix = ",\"workflow\":\(JSONValue.string(workflow.name).serialized()),\"step\":\(JSONValue.string(step.name).serialized()),\"call\":\(JSONValue.string(step.call).serialized()),\"input\":{"
                compiler.raw(Array(prefix.utf8))
                for (offset, (name, expression)) in step.inputs.enumerated() {
                    compiler.raw((offset > 0 ? [0x2C] : []) + JSONValue.string(name).serializedBytes() + [0x3A])
                    guard compiler.value(expression) else { return nil }
                }
                compiler.raw(Array("}}\n".utf8))
            }
        }
        return FastEventProgram(shape: shape, stepCount: stepCount, ops: compiler.ops, conditions: compiler.conditions, constants: compiler.constants)
    }

    // MARK: Running

    /// Where output goes: a raw region that must not overflow.
    struct Writer {
        let start: UnsafeMutablePointer<UInt8>
        let capacity: Int
        var count = 0

        @inline(__always) mutating func append(_ source: UnsafePointer<UInt8>, _ length: Int) -> Bool {
            guard count + length <= capacity else { return false }
            (start + count).update(from: source, count: length)
            count += length
            return true
        }

        @inline(__always) mutating func byte(_ value: UInt8) -> Bool {
            guard count < capacity else { return false }
            start[count] = value
            count += 1
            return true
        }
    }

    /// Writes the dry-run line of every step for one scanned event at `output`, which has
    /// room for `capacity` bytes. Returns the bytes written, or nil when the event needs the
    /// general path (or more room).
    public func write(line: Int, base: UnsafePointer<UInt8>, slots: UnsafeMutableBufferPointer<EventShape.Slot>,
                      user: [UInt8], into output: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int? {
        var writer = Writer(start: output, capacity: capacity)
        let ok = ops.withUnsafeBufferPointer { ops in
            conditions.withUnsafeBufferPointer { conditions in
                constants.withUnsafeBufferPointer { constants in
                    user.withUnsafeBufferPointer { user in
                        run(ops, conditions, constants, user, line, base, slots, &writer)
                    }
                }
            }
        }
        return ok ? writer.count : nil
    }

    private func run(_ ops: UnsafeBufferPointer<Op>, _ conditions: UnsafeBufferPointer<Condition>, _ constants: UnsafeBufferPointer<UInt8>,
                     _ user: UnsafeBufferPointer<UInt8>, _ line: Int, _ base: UnsafePointer<UInt8>,
                     _ slots: UnsafeMutableBufferPointer<EventShape.Slot>, _ writer: inout Writer) -> Bool {
        guard let constantBase = constants.baseAddress, let userBase = user.baseAddress else { return false }
        var pc = 0
        while pc < ops.count {
            let op = ops[pc]
            pc += 1
            switch op.code {
            case .raw:
                guard writer.append(constantBase + Int(op.a), Int(op.b)) else { return false }
            case .value:
                guard value(slots[Int(op.a)], base, constantBase, &writer) else { return false }
            case .user:
                let ok = op.b == 1 ? writer.append(userBase + 1, user.count - 2) : writer.append(userBase, user.count)
                guard ok else { return false }
            case .interpolate:
                guard interpolate(slots[Int(op.a)], base, &writer) else { return false }
            case .interpolateOr:
                let slot = slots[Int(op.a)]
                if slot.kind == .absent || slot.kind == .null {
                    guard writer.append(constantBase + Int(op.b), Int(op.c)) else { return false }
                } else {
                    guard interpolate(slot, base, &writer) else { return false }
                }
            case .coalesce:
                let slot = slots[Int(op.a)]
                if slot.kind != .absent && slot.kind != .null {
                    guard value(slot, base, constantBase, &writer) else { return false }
                    pc = Int(op.b)
                }
            case .branchIfFalse:
                guard let truth = evaluate(Int(op.a), conditions, constantBase, base, slots) else { return false }
                if !truth { pc = Int(op.b) }
            case .jump:
                pc = Int(op.a)
            case .truth:
                guard let truth = evaluate(Int(op.a), conditions, constantBase, base, slots) else { return false }
                let ok = truth ? writer.append(constantBase, 4) : writer.append(constantBase + 4, 5)
                guard ok else { return false }
            case .line:
                guard writeInteger(line, &writer) else { return false }
            }
        }
        return true
    }

    private func writeInteger(_ value: Int, _ writer: inout Writer) -> Bool {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { buffer -> Bool in
            var remaining = value.magnitude
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(remaining % 10) + 0x30
                remaining /= 10
            } while remaining > 0
            if value < 0 { index -= 1; buffer[index] = 0x2D }
            guard let start = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
            return writer.append(start + index, buffer.count - index)
        }
    }

    /// Integers and booleans print as written, except that "-0" prints as "0", as the general path does.
    @inline(__always) private func numberText(_ slot: EventShape.Slot, _ base: UnsafePointer<UInt8>, _ writer: inout Writer) -> Bool {
        let length = slot.end - slot.start
        if length == 2 && base[slot.start] == 0x2D && base[slot.start + 1] == 0x30 { return writer.byte(0x30) }
        return writer.append(base + slot.start, length)
    }

    /// A slot's value as it prints inside a string.
    @inline(__always) private func interpolate(_ slot: EventShape.Slot, _ base: UnsafePointer<UInt8>, _ writer: inout Writer) -> Bool {
        switch slot.kind {
        case .string, .escapedString:
            // The escaped content is already valid inside the output string.
            return writer.append(base + slot.start + 1, slot.end - slot.start - 2)
        case .int, .bool:
            return numberText(slot, base, &writer)
        default:
            return false
        }
    }

    /// A slot's value as compact JSON.
    private func value(_ slot: EventShape.Slot, _ base: UnsafePointer<UInt8>, _ constants: UnsafePointer<UInt8>, _ writer: inout Writer) -> Bool {
        switch slot.kind {
        case .absent, .null:
            return writer.append(constants + 9, 4)
        case .string, .bool:
            return writer.append(base + slot.start, slot.end - slot.start)
        case .int:
            return numberText(slot, base, &writer)
        case .escapedString, .number:
            // Escapes and fractions are normalised the way the general writer does.
            return false
        case .array, .object:
            // Copy without insignificant whitespace.
            return EnvelopeReader.forEachCompactByte(base, slot.start..<slot.end) { writer.byte($0) }
        }
    }

    private func number(_ slot: EventShape.Slot, _ base: UnsafePointer<UInt8>) -> Double? {
        guard slot.kind == .int || slot.kind == .number else { return nil }
        if slot.kind == .int {
            var value: Int64 = 0
            var index = slot.start
            let negative = base[index] == 0x2D
            if negative { index += 1 }
            while index < slot.end {
                value = value * 10 + Int64(base[index] - 0x30)
                index += 1
            }
            return Double(negative ? -value : value)
        }
        return Double(String(decoding: UnsafeBufferPointer(start: base + slot.start, count: slot.end - slot.start), as: UTF8.self))
    }

    private func evaluate(_ index: Int, _ conditions: UnsafeBufferPointer<Condition>, _ constants: UnsafePointer<UInt8>,
                          _ base: UnsafePointer<UInt8>, _ slots: UnsafeMutableBufferPointer<EventShape.Slot>) -> Bool? {
        let condition = conditions[index]
        switch condition.code {
        case .compare:
            guard let value = number(slots[Int(condition.slot)], base) else { return nil }
            let literal = condition.number
            switch condition.op {
            case .less: return value < literal
            case .lessEqual: return value <= literal
            case .greater: return value > literal
            case .greaterEqual: return value >= literal
            case .equal: return value == literal
            case .notEqual: return value != literal
            default: return nil
            }
        case .equals:
            let slot = slots[Int(condition.slot)]
            guard slot.kind == .string else { return slot.kind == .absent || slot.kind == .null ? condition.negated : nil }
            let length = slot.end - slot.start
            let same = length == Int(condition.b) && memcmp(constants + Int(condition.a), base + slot.start, length) == 0
            return same != condition.negated
        case .isNull:
            let kind = slots[Int(condition.slot)].kind
            return (kind == .absent || kind == .null) != condition.negated
        case .bool:
            let slot = slots[Int(condition.slot)]
            guard slot.kind == .bool else { return nil }
            return base[slot.start] == 0x74
        case .not:
            return evaluate(Int(condition.a), conditions, constants, base, slots).map { !$0 }
        case .and:
            guard let left = evaluate(Int(condition.a), conditions, constants, base, slots) else { return nil }
            return left ? evaluate(Int(condition.b), conditions, constants, base, slots) : false
        case .or:
            guard let left = evaluate(Int(condition.a), conditions, constants, base, slots) else { return nil }
            return left ? true : evaluate(Int(condition.b), conditions, constants, base, slots)
        }
    }
}
