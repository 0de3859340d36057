import AlloyCore

/// An event schema compiled for the fused reader: every field has a slot, so reading a
/// document validates it against the schema and records where each value lies, with no
/// allocation per field.
public final class EventShape: @unchecked Sendable {
    /// What a slot holds after a successful scan.
    public enum SlotKind: UInt8 {
        case absent, null, string, escapedString, int, number, bool, array, object
    }

    /// A value's location in the scanned bytes.
    public struct Slot {
        public var kind: SlotKind = .absent
        public var start: Int = 0
        public var end: Int = 0
    }

    indirect enum Shape {
        case string, int, number, bool, json
        case format(StringFormat)
        case oneOf([[UInt8]])
        case array(Shape)
        case object(ObjectShape)
        case optional(Shape)
    }

    final class ObjectShape {
        var names: [[UInt8]] = []
        var shapes: [Shape] = []
        /// The slot of each field, or -1 inside arrays (where values are checked, not kept).
        var slots: [Int] = []
        var required: [Bool] = []
    }

    let root: ObjectShape
    /// Slot paths, for compiling expressions: "a.b" → slot.
    let slotPaths: [[String]: Int]
    public let slotCount: Int

    /// Compiles a schema; nil for schemas the reader does not handle (more than 64 fields in one object).
    public init?(_ schema: ValueType) {
        guard case .object(let fields) = schema else { return nil }
        let builder = Builder()
        guard let root = builder.object(fields, []) else { return nil }
        self.root = root
        self.slotPaths = builder.paths
        self.slotCount = builder.count
    }

    /// Assigns slots while compiling a schema.
    private final class Builder {
        var paths: [[String]: Int] = [:]
        var count = 0

        /// `prefix` is nil inside arrays, where values are checked but get no slots.
        func object(_ fields: [ValueType.Field], _ prefix: [String]?) -> ObjectShape? {
            guard fields.count <= 64 else { return nil }
            let result = ObjectShape()
            for field in fields {
                let path = prefix.map { $0 + [field.name] }
                result.names.append(Array(field.name.utf8))
                guard let shape = shape(field.type, path) else { return nil }
                result.shapes.append(shape)
                if let path {
                    result.slots.append(count)
                    paths[path] = count
                    count += 1
                } else {
                    result.slots.append(-1)
                }
                if case .optional = field.type { result.required.append(false) } else { result.required.append(true) }
            }
            return result
        }

        func shape(_ type: ValueType, _ path: [String]?) -> Shape? {
            switch type {
            case .string: return .string
            case .int: return .int
            case .number: return .number
            case .bool: return .bool
            case .json: return .json
            case .email: return .format(.email)
            case .url: return .format(.url)
            case .dateTime: return .format(.dateTime)
            case .oneOf(let values): return .oneOf(values.map { Array($0.utf8) })
            case .array(let element): return shape(element, nil).map { .array($0) }
            case .object(let fields): return object(fields, path).map { .object($0) }
            case .optional(let inner): return shape(inner, path).map { .optional($0) }
            }
        }
    }

    /// The slot holding the value at a path of field names, if the schema declares it.
    public func slot(for path: [String]) -> Int? { slotPaths[path] }

    /// Reads `bytes` as one JSON document and checks it against the shape, filling `slots`.
    /// Returns false when the document is malformed or does not match; the caller then
    /// takes the general path, which explains why.
    public func scan(_ bytes: UnsafeBufferPointer<UInt8>, into slots: UnsafeMutableBufferPointer<Slot>,
                     scratch: UnsafeMutableBufferPointer<Int>) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
        for index in 0..<slots.count { slots[index] = Slot() }
        var scanner = ShapeScanner(base: base, count: bytes.count, slots: slots, keys: scratch)
        scanner.skipWhitespace()
        guard scanner.object(root, depth: 1) else { return false }
        scanner.skipWhitespace()
        return scanner.position == bytes.count
    }

    /// Scratch space for `scan`: key ranges of the objects being read.
    public static let scratchSize = 512
}

/// The scanning state, kept in a local struct over unsafe buffers so the hot loop pays for
/// no reference counting or exclusivity checks.
struct ShapeScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    let slots: UnsafeMutableBufferPointer<EventShape.Slot>
    /// A stack of (start, end) key ranges of unknown keys in the objects being read, to find
    /// duplicates without allocating.
    let keys: UnsafeMutableBufferPointer<Int>
    var keyTop = 0
    var position = 0
    static let maxDepth = JSONReader.defaultMaxDepth

    init(base: UnsafePointer<UInt8>, count: Int, slots: UnsafeMutableBufferPointer<EventShape.Slot>, keys: UnsafeMutableBufferPointer<Int>) {
        self.base = base
        self.count = count
        self.slots = slots
        self.keys = keys
    }

    /// Records a key not in the schema; false when the object already has it (or the
    /// scratch space is full, which sends the document the general way).
    @inline(__always) mutating func noteKey(_ start: Int, _ end: Int, objectStart: Int) -> Bool {
        let length = end - start
        var index = objectStart
        while index < keyTop {
            if keys[index + 1] - keys[index] == length && memcmp(base + keys[index], base + start, length) == 0 { return false }
            index += 2
        }
        guard keyTop + 2 <= keys.count else { return false }
        keys[keyTop] = start
        keys[keyTop + 1] = end
        keyTop += 2
        return true
    }

    @inline(__always) mutating func skipWhitespace() {
        while position < count {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// Whether `name` is written at `offset`.
    @inline(__always) func equal(_ name: [UInt8], at offset: Int) -> Bool {
        name.withUnsafeBufferPointer { buffer in
            guard let pointer = buffer.baseAddress else { return true }
            return offset + buffer.count <= count && memcmp(pointer, base + offset, buffer.count) == 0
        }
    }

    @inline(__always) func peek() -> UInt8 { position < count ? base[position] : 0 }

    /// An object matching `shape`; every required field present, no key twice.
    mutating func object(_ shape: EventShape.ObjectShape, depth: Int) -> Bool {
        guard depth <= ShapeScanner.maxDepth, peek() == 0x7B else { return false }
        position += 1
        var seen: UInt64 = 0
        let objectKeys = keyTop
        defer { keyTop = objectKeys }
        skipWhitespace()
        if peek() == 0x7D {
            position += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == 0x22 else { return false }
                let keyStart = position + 1
                // Escaped keys are rare; the general reader handles them.
                guard let escaped = string(), !escaped else { return false }
                let keyEnd = position - 1
                skipWhitespace()
                guard peek() == 0x3A else { return false }
                position += 1
                skipWhitespace()
                var field = -1
                let length = keyEnd - keyStart
                for index in 0..<shape.names.count where shape.names[index].count == length {
                    if equal(shape.names[index], at: keyStart) {
                        field = index
                        break
                    }
                }
                if field >= 0 {
                    let bit: UInt64 = 1 << UInt64(field)
                    guard seen & bit == 0 else { return false }
                    seen |= bit
                    guard value(shape.shapes[field], slot: shape.slots[field], depth: depth) else { return false }
                } else {
                    // Unknown fields are ignored, but a duplicate key still makes the document ambiguous.
                    guard noteKey(keyStart, keyEnd, objectStart: objectKeys), skip(depth: depth) else { return false }
                }
                skipWhitespace()
                let next = peek()
                position += 1
                if next == 0x2C { continue }
                if next == 0x7D { break }
                return false
            }
        }
        for index in 0..<shape.names.count where shape.required[index] && seen & (1 << UInt64(index)) == 0 {
            return false
        }
        return true
    }

    /// A value that must match `shape`; its location goes to `slot` when it has one.
    mutating func value(_ shape: EventShape.Shape, slot: Int, depth: Int) -> Bool {
        let start = position
        var kind: EventShape.SlotKind
        switch shape {
        case .optional(let inner):
            if peek() == 0x6E {
                guard literal("null") else { return false }
                kind = .null
            } else {
                return value(inner, slot: slot, depth: depth)
            }
        case .string:
            guard peek() == 0x22, let escaped = string() else { return false }
            kind = escaped ? .escapedString : .string
        case .format(let format):
            guard peek() == 0x22, let escaped = string() else { return false }
            // Formats are checked on the decoded text; escaped values go the general way.
            guard !escaped else { return false }
            let text = String(decoding: UnsafeBufferPointer(start: base + start + 1, count: position - 1 - (start + 1)), as: UTF8.self)
            guard format.problem(text) == nil else { return false }
            kind = .string
        case .oneOf(let values):
            guard peek() == 0x22, let escaped = string(), !escaped else { return false }
            let length = position - 1 - (start + 1)
            guard values.contains(where: { candidate in
                candidate.count == length && equal(candidate, at: start + 1)
            }) else { return false }
            kind = .string
        case .int:
            // Integral values such as 2.0 are Ints to the general path; it decides those.
            guard let isInteger = number(), isInteger else { return false }
            kind = .int
        case .number:
            guard let isInteger = number() else { return false }
            kind = isInteger ? .int : .number
        case .bool:
            if peek() == 0x74 { guard literal("true") else { return false } } else { guard literal("false") else { return false } }
            kind = .bool
        case .json:
            let isNull = peek() == 0x6E
            guard skip(depth: depth) else { return false }
            kind = isNull ? .null : .object
        case .array(let element):
            guard depth + 1 <= ShapeScanner.maxDepth, peek() == 0x5B else { return false }
            position += 1
            skipWhitespace()
            if peek() == 0x5D {
                position += 1
            } else {
                while true {
                    skipWhitespace()
                    guard value(element, slot: -1, depth: depth + 1) else { return false }
                    skipWhitespace()
                    let next = peek()
                    position += 1
                    if next == 0x2C { continue }
                    if next == 0x5D { break }
                    return false
                }
            }
            kind = .array
        case .object(let inner):
            guard object(inner, depth: depth + 1) else { return false }
            kind = .object
        }
        if slot >= 0 { slots[slot] = EventShape.Slot(kind: kind, start: start, end: position) }
        return true
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard position + length <= count, memcmp(base + position, word.utf8Start, length) == 0 else { return false }
        position += length
        return true
    }

    /// A number per RFC 8259; returns whether it is an integer (nil when malformed).
    /// Integers must fit in 64 bits, like the general reader's.
    mutating func number() -> Bool? {
        let start = position
        if peek() == 0x2D { position += 1 }
        guard peek() >= 0x30 && peek() <= 0x39 else { return nil }
        if peek() == 0x30 {
            position += 1
            if peek() >= 0x30 && peek() <= 0x39 { return nil }
        } else {
            while peek() >= 0x30 && peek() <= 0x39 { position += 1 }
        }
        var integer = true
        if peek() == 0x2E {
            integer = false
            position += 1
            guard peek() >= 0x30 && peek() <= 0x39 else { return nil }
            while peek() >= 0x30 && peek() <= 0x39 { position += 1 }
        }
        if peek() == 0x65 || peek() == 0x45 {
            integer = false
            position += 1
            if peek() == 0x2B || peek() == 0x2D { position += 1 }
            guard peek() >= 0x30 && peek() <= 0x39 else { return nil }
            let digits = position
            while peek() >= 0x30 && peek() <= 0x39 { position += 1 }
            // Large exponents may overflow a Double; the general reader rejects those.
            if position - digits > 2 { return nil }
        }
        // 18 digits always fit; longer numbers go the general way, which knows the exact limits.
        if position - start > 18 { return nil }
        return integer
    }

    /// A string starting at `"`; returns whether it holds escapes (nil when malformed).
    mutating func string() -> Bool? {
        position += 1
        var escaped = false
        while position < count {
            // Eight bytes at a time while none is a quote, a backslash, a control character or non-ASCII.
            while position + 8 <= count {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                let quote = word ^ 0x2222_2222_2222_2222, backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let special = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (word &- ones &* 0x20) | word) & highs
                if special != 0 {
                    // The lowest flagged byte is a real one: borrows only travel upwards.
                    position += special.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            guard position < count else { break }
            let byte = base[position]
            if byte == 0x22 { position += 1; return escaped }
            if byte == 0x5C {
                escaped = true
                position += 1
                guard position < count else { return nil }
                switch base[position] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: position += 1
                case 0x75:
                    // \u escapes, surrogate pairs included, are left to the general reader.
                    return nil
                default: return nil
                }
                continue
            }
            if byte < 0x20 { return nil }
            if byte < 0x80 { position += 1; continue }
            let length = JSONReader.scalarLength(UnsafeBufferPointer(start: base, count: count), position)
            guard length > 0 else { return nil }
            position += length
        }
        return nil
    }

    /// Any JSON value, fully validated, kept nowhere.
    mutating func skip(depth: Int) -> Bool {
        switch peek() {
        case 0x22: return string() != nil
        case 0x7B:
            guard depth + 1 <= ShapeScanner.maxDepth else { return false }
            position += 1
            let objectKeys = keyTop
            defer { keyTop = objectKeys }
            skipWhitespace()
            if peek() == 0x7D { position += 1; return true }
            while true {
                skipWhitespace()
                let keyStart = position + 1
                guard peek() == 0x22, let escaped = string(), !escaped else { return false }
                guard noteKey(keyStart, position - 1, objectStart: objectKeys) else { return false }
                skipWhitespace()
                guard peek() == 0x3A else { return false }
                position += 1
                skipWhitespace()
                guard skip(depth: depth + 1) else { return false }
                skipWhitespace()
                let next = peek()
                position += 1
                if next == 0x2C { continue }
                return next == 0x7D
            }
        case 0x5B:
            guard depth + 1 <= ShapeScanner.maxDepth else { return false }
            position += 1
            skipWhitespace()
            if peek() == 0x5D { position += 1; return true }
            while true {
                skipWhitespace()
                guard skip(depth: depth + 1) else { return false }
                skipWhitespace()
                let next = peek()
                position += 1
                if next == 0x2C { continue }
                return next == 0x5D
            }
        case 0x74: return literal("true")
        case 0x66: return literal("false")
        case 0x6E: return literal("null")
        default: return number() != nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
