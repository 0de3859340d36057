import AlloyCore
import Foundation
import Testing

/// The JSON reader against a conformance corpus and, differentially, against Foundation.
@Suite struct JSONConformanceTests {
    static let directory = repositoryRoot.appendingPathComponent("Fixtures/json")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test(arguments: cases)
    func corpus(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
        let accepted = (try? JSONReader.parse(bytes)) != nil
        if name.hasPrefix("y_") { #expect(accepted, "\(name) must be accepted") }
        if name.hasPrefix("n_") { #expect(!accepted, "\(name) must be rejected") }
    }

    @Test func valuesDecode() throws {
        #expect(try JSONReader.parse(#"["\ud83d\ude00", "\u00e9", "a\/b"]"#) == .array([.string("😀"), .string("é"), .string("a/b")]))
        #expect(try JSONReader.parse("[1, -2, 2.5, 1e2]") == .array([.int(1), .int(-2), .number(2.5), .number(100)]))
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(#"{"a": 1, "a": 2}"#) }
    }

    /// Converts Foundation's parse into a JSONValue for comparison.
    static func value(_ object: Any) -> JSONValue? {
        switch object {
        case is NSNull: return .null
        case let string as String: return .string(string)
        case let number as NSNumber:
            let type = String(cString: number.objCType)
            if type == "c" || type == "B" { return .bool(number.boolValue) }
            return .number(number.doubleValue)
        case let array as [Any]:
            var items: [JSONValue] = []
            for item in array { guard let converted = value(item) else { return nil }; items.append(converted) }
            return .array(items)
        case let dictionary as [String: Any]:
            var members: [(String, JSONValue)] = []
            for key in dictionary.keys.sorted() { guard let converted = dictionary[key].flatMap(value) else { return nil }; members.append((key, converted)) }
            return .object(members)
        default: return nil
        }
    }

    /// Our value with object members sorted and every number a Double, as Foundation gives them.
    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .int(let number): return .number(Double(number))
        case .array(let items): return .array(items.map(normalized))
        case .object(let members): return .object(members.sorted { $0.0 < $1.0 }.map { ($0.0, normalized($0.1)) })
        default: return value
        }
    }

    /// A random document; `depth` bounds nesting.
    static func randomDocument(_ generator: inout SeededGenerator, depth: Int = 0) -> String {
        let pick = depth > 4 ? generator.next() % 5 : generator.next() % 7
        switch pick {
        case 0: return "null"
        case 1: return generator.next() % 2 == 0 ? "true" : "false"
        case 2: return String(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64))
        case 3: return String(Double(Int64(bitPattern: generator.next()) % 1_000_000) / 1000)
        case 4:
            let pool: [String] = ["a", "é", "日本", "😀", "\\\"", "\\\\", "\\n", "\\u00e9", "\\ud83d\\ude00", "x y", "\\/", "\\t"]
            return "\"" + (0..<Int(generator.next() % 5)).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }.joined() + "\""
        case 5:
            return "[" + (0..<Int(generator.next() % 4)).map { _ in randomDocument(&generator, depth: depth + 1) }.joined(separator: ", ") + "]"
        default:
            var keys = Set<String>()
            let members = (0..<Int(generator.next() % 4)).compactMap { _ -> String? in
                let key = "k\(generator.next() % 6)"
                guard keys.insert(key).inserted else { return nil }
                return "\"\(key)\": \(randomDocument(&generator, depth: depth + 1))"
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    @Test func differentialAgainstFoundation() throws {
        var generator = SeededGenerator(seed: 2026)
        var mutatedAccepted = 0
        for round in 0..<3000 {
            let text = Self.randomDocument(&generator)
            var bytes = Array(text.utf8)
            // Every other document is mutated: a byte changed, dropped or inserted.
            if round % 2 == 1 && !bytes.isEmpty {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0:
                    let pool = Array("{}[]\",:\\0123456789eE.-+ntfu\u{7f}".utf8)
                    bytes[position] = pool[Int(generator.next() % UInt64(pool.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                }
            }
            let ours = try? JSONReader.parse(bytes)
            let theirs = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            if round % 2 == 0 {
                let parsed = try #require(ours, "we reject a valid document: \(text)")
                #expect(theirs.flatMap(Self.value) == Self.normalized(parsed), "values differ for \(text)")
            } else if let ours {
                // What we accept, Foundation accepts with the same value (we are stricter, never looser).
                mutatedAccepted += 1
                #expect(theirs.flatMap(Self.value) == Self.normalized(ours), "accepted differently: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(mutatedAccepted > 0)
    }
}

/// A small deterministic generator.
struct SeededGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
