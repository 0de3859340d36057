import AlloyCLI
import AlloyCLICore
import AlloyCompiler
import Foundation
import Testing

/// In-process tests of `Command`, with injected streams.
final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""
    var stdout: String { lock.withLock { out } }
    var stderr: String { lock.withLock { err } }
    func writeOut(_ text: String) { lock.withLock { out += text } }
    func writeErr(_ text: String) { lock.withLock { err += text } }
}

func runAlloyc(_ arguments: [String], stdin: String = "", terminal: Bool = false, environment: [String: String] = [:], in directory: String? = nil) -> (Int32, Captured) {
    let captured = Captured()
    let io = CommandIO(
        readStandardInput: { Array(stdin.utf8) },
        writeOutput: { captured.writeOut($0) },
        writeError: { captured.writeErr($0) },
        outputIsTerminal: terminal,
        environment: environment,
        currentDirectory: directory ?? Executables.root.path)
    return (AlloycCommand.run(arguments, io: io), captured)
}

@Suite struct CommandTests {
    static let seed = "Fixtures/examples/tickets"

    @Test(arguments: ["check", "compile", "explain"])
    func everyCommandHasHelp(_ command: String) {
        let (status, output) = runAlloyc([command, "--help"])
        #expect(status == 0)
        #expect(output.stdout.contains("USAGE: alloyc \(command)"))
    }

    @Test func topLevelHelpAndVersion() {
        #expect(runAlloyc(["--help"]).1.stdout.contains("COMMANDS:"))
        #expect(runAlloyc(["--version"]).1.stdout.contains("alloy-plan/1"))
        let (status, output) = runAlloyc([])
        #expect(status == 2)
        #expect(output.stderr.contains("USAGE"))
    }

    @Test func badFlagsAndCommandsExitTwo() {
        let (status, output) = runAlloyc(["check", "--formt", "json", Self.seed])
        #expect(status == 2)
        #expect(output.stderr.contains("unknown option '--formt'"))
        #expect(output.stderr.contains("did you mean '--format'?"))
        #expect(runAlloyc(["chekc"]).0 == 2)
        #expect(runAlloyc(["check", "--format", "xml", Self.seed]).0 == 2)
        #expect(runAlloyc(["check", "--format"]).0 == 2)
        #expect(runAlloyc(["check", "does/not/exist.alloy"]).0 == 2)
        #expect(runAlloyc(["explain", "no-such-code"]).0 == 2)
    }

    @Test func stdinIsOneFile() {
        let (status, output) = runAlloyc(["check", "-"], stdin: "type X = Strin\n")
        #expect(status == 1)
        #expect(output.stdout.contains("<stdin>:1:10: error[unknown-type]"))
    }

    @Test func colourOnlyOnATerminalWithoutNoColor() {
        let bad = "type X = Strin\n"
        #expect(!runAlloyc(["check", "-"], stdin: bad).1.stdout.contains("\u{1B}["))
        #expect(runAlloyc(["check", "-"], stdin: bad, terminal: true).1.stdout.contains("\u{1B}["))
        #expect(!runAlloyc(["check", "-"], stdin: bad, terminal: true, environment: ["NO_COLOR": "1"]).1.stdout.contains("\u{1B}["))
    }

    @Test func jsonFormatIsOneDocument() throws {
        let (status, output) = runAlloyc(["check", "--format", "json", "-"], stdin: "event \"E\" { schema { a: Strin } }\n")
        #expect(status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        // Sorted by position: the event's name comes before its field's type.
        #expect(diagnostics.map { $0["code"] as? String } == ["unused-event", "unknown-type"])
        let first = diagnostics[1]
        for key in ["file", "line", "column", "endLine", "endColumn", "severity", "code", "message", "notes", "fixes"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        let fixes = try #require(first["fixes"] as? [[String: Any]])
        #expect(fixes.first?["replacement"] as? String == "String")
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["errors": 1, "warnings": 1, "files": 1])
    }

    @Test func githubFormatAnnotates() {
        let (_, output) = runAlloyc(["check", "--format", "github", "-"], stdin: "type X = Strin\n")
        #expect(output.stdout.hasPrefix("::error file=<stdin>,line=1,col=10,endLine=1,endColumn=15,title=unknown-type::unknown type 'Strin'"))
    }

    @Test func sarifIsVersion210() throws {
        let (_, output) = runAlloyc(["check", "--format", "sarif", "-"], stdin: "type X = Strin\n")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(document["version"] as? String == "2.1.0")
        let runs = try #require(document["runs"] as? [[String: Any]])
        let results = try #require(runs.first?["results"] as? [[String: Any]])
        #expect(results.first?["ruleId"] as? String == "unknown-type")
    }

    @Test func warningsAsErrors() {
        let source = "event \"E\" { schema { a: String } }\n"
        #expect(runAlloyc(["check", "-"], stdin: source).0 == 0)
        #expect(runAlloyc(["check", "--warnings-as-errors", "-"], stdin: source).0 == 1)
    }

    @Test func compileWritesNoPlanOnErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alloyc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = directory.appendingPathComponent("plan.json").path
        let (status, _) = runAlloyc(["compile", "-", "-o", plan], stdin: "type X = Strin\n")
        #expect(status == 1)
        #expect(!FileManager.default.fileExists(atPath: plan))
        let (okStatus, _) = runAlloyc(["compile", Self.seed, "-o", plan])
        #expect(okStatus == 0)
        #expect(FileManager.default.fileExists(atPath: plan))
    }

    @Test(arguments: Diagnostic.Code.allCases)
    func explainEveryCode(_ code: Diagnostic.Code) {
        let (status, output) = runAlloyc(["explain", code.rawValue])
        #expect(status == 0)
        #expect(output.stdout.contains("[\(code.rawValue)]"))
        #expect(output.stdout.contains("Fixed:"))
    }
}
