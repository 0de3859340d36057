import AlloyCompiler
import AlloyCore
import AlloyRuntime
import Foundation

/// Compiles `.alloy` text and loads the plan as the runtime would.
func loadPlan(_ source: String) throws -> LoadedPlan {
    let (plan, result) = Compiler.compile([SourceFile(path: "test.alloy", text: source)])
    guard let plan else {
        let renderer = DiagnosticRenderer(files: result.files, projectFileCount: 1)
        throw PlanLoadError(message: renderer.render(result.diagnostics, as: .human))
    }
    return try PlanLoader.load(Array(PlanEmitter.serialize(plan).utf8))
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let seedSource: String = (try? String(contentsOf: repositoryRoot.appendingPathComponent("Fixtures/examples/tickets/tickets.alloy"), encoding: .utf8)) ?? ""

let seedData = #"{"ticketName":"Alloy 123","customerEmail":"gregg@example.com","description":"I'm excited","priority":4,"tags":["sales","vip"],"customer":{"id":"c_42","plan":"pro"}}"#
