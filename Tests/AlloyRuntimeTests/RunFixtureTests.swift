import AlloyCompiler
import AlloyCore
import AlloyRuntime
import Foundation
import Testing

/// Answers each call with a canned response per `connector.action`, recording nothing else.
struct ScriptedExecutor: ActionExecutor {
    var responses: [String: JSONValue]

    func perform(_ call: ActionCall) throws(CallFailure) -> CallSuccess {
        guard let output = responses["\(call.connector.name).\(call.action.name)"] else {
            throw CallFailure("no scripted response for \(call.connector.name).\(call.action.name)")
        }
        return CallSuccess(output: output)
    }
}

/// `Fixtures/run/NAME/`: a project, `events.ndjson` and `responses.json`; the golden
/// `expected.out` lists, per event, the rejection or every step with its input and output.
/// Keeps the compiler's promises and the runtime's behaviour in agreement.
@Suite struct RunFixtureTests {
    static let directory = repositoryRoot.appendingPathComponent("Fixtures/run")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test(arguments: cases)
    func run(_ name: String) throws {
        let folder = Self.directory.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".alloy") }.sorted()
        let sources = try files.map { SourceFile(path: $0, bytes: Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
        let (compiled, result) = Compiler.compile(sources)
        let plan = try #require(compiled, "\(name) does not compile: \(result.diagnostics.map(\.message))")
        let loaded = try PlanLoader.load(Array(PlanEmitter.serialize(plan).utf8))
        let responses = try JSONReader.parse(Array(try Data(contentsOf: folder.appendingPathComponent("responses.json"))))
        guard case .object(let members) = responses else { Issue.record("responses.json must be an object"); return }
        let runner = Runner(plan: loaded, executor: ScriptedExecutor(responses: Dictionary(members, uniquingKeysWith: { $1 })))
        var out = ""
        let lines = try String(contentsOf: folder.appendingPathComponent("events.ndjson"), encoding: .utf8).split(separator: "\n")
        for (index, line) in lines.enumerated() {
            let envelope = try JSONReader.parse(String(line))
            let event = envelope["event"]?.stringValue ?? ""
            out += "# event \(index + 1): \(event) for \(envelope["userId"]?.stringValue ?? "")\n"
            do {
                let run = try runner.run(event: event, userId: envelope["userId"]?.stringValue ?? "", data: envelope["data"] ?? .null)
                for workflow in run.workflows {
                    for step in workflow.steps { out += step.json.serialized() + "\n" }
                    if let error = workflow.error { out += "workflow failed: \(error)\n" }
                }
            } catch {
                out += "rejected: \(error)\n"
            }
        }
        let golden = folder.appendingPathComponent("expected.out")
        if ProcessInfo.processInfo.environment["ALLOY_UPDATE"] == "1" {
            try Data(out.utf8).write(to: golden)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(out == expected, "\(name)/expected.out differs (ALLOY_UPDATE=1 rewrites it):\n\(out)")
    }
}
