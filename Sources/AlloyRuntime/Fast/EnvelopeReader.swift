import AlloyCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a `{"event", "userId", "data", "eventId"?}` envelope without building a tree: the
/// three names are decoded, `data` is validated against its event's shape in the same pass
/// style as replay, and returned as compact bytes ready for the journal.
public enum EnvelopeReader {
    /// A submission read the fast way.
    public struct Envelope: Sendable {
        public var event: String
        public var userId: String
        public var eventId: String?
        /// The data, re-written without insignificant whitespace.
        public var data: [UInt8]
    }

    /// Reads and validates an envelope; nil when anything is unusual (malformed, invalid,
    /// unknown event, escapes in keys), so the caller takes the general path and explains.
    public static func read(_ bytes: [UInt8], shapes: [String: EventShape]) -> Envelope? {
        bytes.withUnsafeBufferPointer { buffer -> Envelope? in
            let scratch = UnsafeMutableBufferPointer<Int>.allocate(capacity: EventShape.scratchSize)
            let slots = UnsafeMutableBufferPointer<EventShape.Slot>.allocate(capacity: max(1, shapes.values.map(\.slotCount).max() ?? 1))
            defer { scratch.deallocate(); slots.deallocate() }
            guard let base = buffer.baseAddress, let found = locate(buffer, shapes: shapes, slots: slots, scratch: scratch) else { return nil }
            return Envelope(event: found.event, userId: found.userId, eventId: found.eventId, data: compact(base, found.data))
        }
    }

    /// What `locate` finds: the names, and where the (validated) data lies.
    public struct Located {
        public var event: String
        public var userId: String
        public var eventId: String?
        public var data: Range<Int>
    }

    /// Reads an envelope in place and scans its data with the event's shape into `slots`
    /// (offsets relative to the data's start). Nil sends the line the general way.
    public static func locate(_ buffer: UnsafeBufferPointer<UInt8>, shapes: [String: EventShape],
                              slots: UnsafeMutableBufferPointer<EventShape.Slot>, scratch: UnsafeMutableBufferPointer<Int>) -> Located? {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
        var scanner = ShapeScanner(base: base, count: buffer.count, slots: UnsafeMutableBufferPointer(start: nil, count: 0), keys: scratch)
        var event: String?, userId: String?, eventId: String?
        var data: Range<Int>?
        scanner.skipWhitespace()
        guard scanner.peek() == 0x7B else { return nil }
        scanner.position += 1
        var first = true
        while true {
            scanner.skipWhitespace()
            if first && scanner.peek() == 0x7D { return nil }
            first = false
            let keyStart = scanner.position + 1
            guard scanner.peek() == 0x22, let escaped = scanner.string(), !escaped else { return nil }
            let key = String(decoding: UnsafeBufferPointer(start: base + keyStart, count: scanner.position - 1 - keyStart), as: UTF8.self)
            scanner.skipWhitespace()
            guard scanner.peek() == 0x3A else { return nil }
            scanner.position += 1
            scanner.skipWhitespace()
            let valueStart = scanner.position
            guard scanner.skip(depth: 1) else { return nil }
            let range = valueStart..<scanner.position
            func text() -> String? {
                guard base[range.lowerBound] == 0x22 else { return nil }
                let inner = UnsafeBufferPointer(start: base + range.lowerBound + 1, count: range.count - 2)
                // Names without escapes are their bytes; others take the full reader.
                if !inner.contains(0x5C) { return String(decoding: inner, as: UTF8.self) }
                return (try? JSONReader.parse(Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))))?.stringValue
            }
            switch key {
            case "event": guard event == nil, let value = text() else { return nil }; event = value
            case "userId": guard userId == nil, let value = text(), !value.isEmpty else { return nil }; userId = value
            case "eventId":
                guard eventId == nil else { return nil }
                if base[range.lowerBound] == 0x6E { break }
                guard let value = text(), !value.isEmpty else { return nil }
                eventId = value
            case "data": guard data == nil else { return nil }; data = range
            default: return nil
            }
            scanner.skipWhitespace()
            let next = scanner.peek()
            scanner.position += 1
            if next == 0x2C { continue }
            guard next == 0x7D else { return nil }
            break
        }
        scanner.skipWhitespace()
        guard scanner.position == buffer.count, let event, let userId, let data, let shape = shapes[event], shape.slotCount <= slots.count else { return nil }
        guard shape.scan(UnsafeBufferPointer(start: base + data.lowerBound, count: data.count), into: UnsafeMutableBufferPointer(rebasing: slots[0..<max(0, shape.slotCount)]), scratch: scratch) else { return nil }
        return Located(event: event, userId: userId, eventId: eventId, data: data)
    }

    /// The bytes of a valid JSON value without whitespace outside strings.
    static func compact(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        _ = forEachCompactByte(base, range) { out.append($0); return true }
        return out
    }

    /// Calls `emit` with each byte of a valid JSON value except whitespace outside strings;
    /// stops (returning false) when `emit` does.
    @inline(__always)
    static func forEachCompactByte(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, _ emit: (UInt8) -> Bool) -> Bool {
        var inString = false
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = base[index]
            if inString {
                guard emit(byte) else { return false }
                if byte == 0x5C {
                    index += 1
                    guard emit(base[index]) else { return false }
                } else if byte == 0x22 {
                    inString = false
                }
            } else if byte == 0x22 {
                inString = true
                guard emit(byte) else { return false }
            } else if byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 {
                guard emit(byte) else { return false }
            }
            index += 1
        }
        return true
    }
}
