import AlloyCompiler
import Foundation
import Testing

/// Hostile input never crashes the compiler: it gives diagnostics, quickly.
@Suite struct RobustnessTests {
    private func check(_ bytes: [UInt8]) -> Compiler.Result {
        Compiler.check([SourceFile(path: "input.alloy", bytes: bytes)])
    }

    @Test func emptyFileIsAnEmptyProject() {
        let result = check([])
        #expect(result.diagnostics.isEmpty)
        #expect(result.project.workflows.isEmpty)
    }

    @Test func randomBytesGiveSyntaxErrors() {
        var generator = SplitMix(seed: 7)
        for _ in 0..<50 {
            let count = Int(generator.next() % 4096)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let result = check(bytes)
            if !bytes.isEmpty && bytes.contains(where: { $0 >= 0x80 }) {
                #expect(result.hasErrors)
            }
            // Reports are capped per file.
            #expect(result.diagnostics.count <= Lexer.maxDiagnostics + Parser.maxDiagnostics + 2 + 50)
        }
    }

    @Test func mutatedValidSourceNeverCrashes() throws {
        let seed = try Fixtures.sources("examples", "tickets")[0].bytes
        var generator = SplitMix(seed: 11)
        for _ in 0..<300 {
            var bytes = seed
            for _ in 0..<Int(1 + generator.next() % 6) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes.remove(at: position)
                case 1:
                    let pool = Array("{}[]()\"\\:.,?|=!".utf8)
                    bytes.insert(pool[Int(generator.next() % UInt64(pool.count))], at: position)
                default: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            _ = check(bytes)
        }
    }

    @Test func invalidUTF8IsASyntaxError() {
        let result = check(Array("event \"A\" { schema { a: String } }\n".utf8) + [0xFF, 0xFE, 0x80] + Array(" \"\u{00E9}\"".utf8))
        #expect(result.diagnostics.contains { $0.code == .syntax && $0.message.contains("UTF-8") })
    }

    @Test(arguments: ["(", "[", "{"])
    func deepNestingIsADiagnostic(_ open: String) {
        let close = ["(": ")", "[": "]", "{": "}"][open] ?? ")"
        let depth = 10_000
        let text = """
        event "E" { schema { a: Int } }
        workflow "W" {
          on "E"
          step s = slack.postMessage { channel: \(String(repeating: open, count: depth))1\(String(repeating: close, count: depth)), text: "x" }
        }
        """
        let start = Date()
        let result = check(Array(text.utf8))
        // Brackets and parentheses recurse and hit the limit; braces in expression position
        // are not a valid key, so recovery skips them without recursing.
        #expect(result.diagnostics.contains { $0.code == .syntax && (open == "{" || $0.message.contains("nesting is too deep")) })
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test func deepTypesAndBlocksAreDiagnostics() {
        let type = "type T = " + String(repeating: "[", count: 5000) + "String" + String(repeating: "]", count: 5000) + "\n"
        let blocks = "event \"E\" { schema { a: Bool } }\nworkflow \"W\" {\n on \"E\"\n" + String(repeating: "if event.a {\n", count: 3000) + String(repeating: "}\n", count: 3000) + "}\n"
        for text in [type, blocks] {
            let result = check(Array(text.utf8))
            #expect(result.diagnostics.contains { $0.message.contains("nesting is too deep") })
        }
    }

    @Test func longUnionsOfNamesAndAliasChainsAreBounded() {
        let pipes = "type T = " + Array(repeating: "a", count: 50_000).joined(separator: " | ") + "\n"
        #expect(check(Array(pipes.utf8)).diagnostics.contains { $0.code == .syntax })
        // A chain of 20,000 aliases, and aliases that double in size at each level.
        var chain = (0..<20_000).map { "type T\($0) = T\($0 + 1)" }.joined(separator: "\n")
        chain += "\ntype T20000 = String\n"
        #expect(check(Array(chain.utf8)).diagnostics.contains { $0.code == .recursiveType })
        var doubling = "type D0 = { v: Int }\n"
        for level in 1...30 { doubling += "type D\(level) = { a: D\(level - 1), b: D\(level - 1) }\n" }
        let result = check(Array(doubling.utf8))
        #expect(result.diagnostics.contains { $0.code == .recursiveType && $0.message.contains("parts") })
    }

    @Test func longOperatorChainsAreBounded() {
        let chain = Array(repeating: "event.a", count: 20_000).joined(separator: " + ")
        let text = "event \"E\" { schema { a: Int } }\nworkflow \"W\" {\n on \"E\"\n step s = http.post { url: \"https://x.test\", body: \(chain) }\n}\n"
        let result = check(Array(text.utf8))
        #expect(result.diagnostics.contains { $0.message.contains("nesting is too deep") })
    }

    @Test func tenMegabyteFileIsCheckedQuickly() {
        var text = ""
        let block = """
        event "E" { schema { a: String, b: Int? } }
        workflow "W" { on "E"
          step s = slack.postMessage { channel: "#a", text: "{{event.a}} {{event.b ?? 0}}" }
        }

        """
        text.reserveCapacity(10_500_000)
        var index = 0
        while text.utf8.count < 10_000_000 {
            text += block.replacingOccurrences(of: "\"E\"", with: "\"E\(index)\"").replacingOccurrences(of: "\"W\"", with: "\"W\(index)\"")
            index += 1
        }
        let start = Date()
        let result = check(Array(text.utf8))
        #expect(!result.hasErrors)
        print("checked \(text.utf8.count) bytes in \(Date().timeIntervalSince(start)) s")
    }

    @Test func unterminatedStringsRecoverOnTheNextLine() {
        let text = """
        event "E { schema { a: String } }
        event "F" { schema { a: Strin } }
        """
        let result = check(Array(text.utf8))
        #expect(result.diagnostics.contains { $0.code == .syntax && $0.message.contains("unterminated string") })
        #expect(result.diagnostics.contains { $0.code == .unknownType })
    }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix {
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
