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
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
            let scratch = UnsafeMutableBufferPointer<Int>.allocate(capacity: EventShape.scratchSize)
            defer { scratch.deallocate() }
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
            guard scanner.position == buffer.count, let event, let userId, let data, let shape = shapes[event] else { return nil }
            let slots = UnsafeMutableBufferPointer<EventShape.Slot>.allocate(capacity: max(1, shape.slotCount))
            defer { slots.deallocate() }
            guard shape.scan(UnsafeBufferPointer(start: base + data.lowerBound, count: data.count), into: slots, scratch: scratch) else { return nil }
            return Envelope(event: event, userId: userId, eventId: eventId, data: compact(base, data))
        }
    }

    /// The bytes of a valid JSON value without whitespace outside strings.
    static func compact(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var inString = false
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = base[index]
            if inString {
                out.append(byte)
                if byte == 0x5C { index += 1; out.append(base[index]) } else if byte == 0x22 { inString = false }
            } else if byte == 0x22 {
                inString = true
                out.append(byte)
            } else if byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 {
                out.append(byte)
            }
            index += 1
        }
        return out
    }
}
