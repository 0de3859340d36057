import AlloyCompiler
import Foundation
import Testing

/// `Fixtures/check/`: each project's diagnostics match its inline expectations exactly.
@Suite struct CheckFixtureTests {
    @Test(arguments: Fixtures.projects(in: "check"))
    func check(_ project: String) throws {
        let sources = try Fixtures.sources("check", project)
        let result = Compiler.check(sources)
        verifyExpectations(result.diagnostics, files: result.files, sources: sources)
    }

    /// Every code has a fixture that triggers it and a fixed twin that passes cleanly.
    @Test(arguments: Diagnostic.Code.allCases)
    func everyCodeHasFailingAndFixedFixtures(_ code: Diagnostic.Code) throws {
        var triggered = false
        for folder in ["check", "parse"] {
            for project in Fixtures.projects(in: folder) {
                let sources = try Fixtures.sources(folder, project)
                if sources.flatMap(Expectation.parse).contains(where: { $0.code == code.rawValue }) { triggered = true }
            }
        }
        #expect(triggered, "no fixture expects \(code.rawValue)")
        let fixed = "\(code.rawValue).fixed.alloy"
        #expect(Fixtures.projects(in: "check").contains(fixed), "missing Fixtures/check/\(fixed)")
        if Fixtures.projects(in: "check").contains(fixed) {
            let sources = try Fixtures.sources("check", fixed)
            #expect(sources.flatMap(Expectation.parse).isEmpty, "\(fixed) must not expect diagnostics")
            let result = Compiler.check(sources)
            #expect(result.diagnostics.isEmpty, "\(fixed) must check cleanly")
        }
    }
}

/// `Fixtures/parse/`: lexer and parser diagnostics only, so recovery is tested on its own.
@Suite struct ParseFixtureTests {
    @Test(arguments: Fixtures.projects(in: "parse"))
    func parse(_ project: String) throws {
        let sources = try Fixtures.sources("parse", project)
        var diagnostics: [Diagnostic] = []
        for (index, source) in sources.enumerated() {
            diagnostics += Parser.parse(source, fileIndex: index).1
        }
        verifyExpectations(Compiler.sorted(diagnostics, files: sources), files: sources, sources: sources)
    }
}

/// `Fixtures/emit/` and `Fixtures/examples/`: golden plans, refreshed with ALLOY_UPDATE=1.
@Suite struct EmitFixtureTests {
    static var cases: [String] {
        Fixtures.projects(in: "emit").map { "emit/\($0)" } + Fixtures.projects(in: "examples").map { "examples/\($0)" }
    }

    @Test(arguments: cases)
    func plan(_ path: String) throws {
        let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
        let sources = try Fixtures.sources(parts[0], parts[1])
        let (plan, result) = Compiler.compile(sources)
        verifyExpectations(result.diagnostics, files: result.files, sources: sources)
        let plan1 = try #require(plan, "the project has errors")
        let text = PlanEmitter.serialize(plan1)
        // Deterministic: compiling again gives the same bytes.
        let again = Compiler.compile(try Fixtures.sources(parts[0], parts[1])).plan.map(PlanEmitter.serialize)
        #expect(again == text)
        let base = Fixtures.directory.appendingPathComponent(parts[0])
        let golden = parts[1].hasSuffix(".alloy")
            ? base.appendingPathComponent(String(parts[1].dropLast(".alloy".count)) + ".plan.json")
            : base.appendingPathComponent(parts[1]).appendingPathComponent("expected.plan.json")
        try Fixtures.expectGolden(text, at: golden)
        // The plan is valid JSON that Foundation reads back.
        #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil)
    }
}
