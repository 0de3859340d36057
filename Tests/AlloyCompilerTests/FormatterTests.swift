import AlloyCompiler
import AlloyCore
import Foundation
import Testing

/// `alloyc fmt` over the whole corpus: idempotent, keeps comments, never changes meaning.
@Suite struct FormatterTests {
    /// Every fixture file that parses, with the project it belongs to.
    static var files: [String] {
        ["format", "check", "parse", "emit", "examples", "run"].flatMap { folder in
            Fixtures.projects(in: folder).flatMap { project -> [String] in
                // A project that cannot be read becomes a case that fails, not no case at all.
                ((try? Fixtures.sources(folder, project)) ?? [SourceFile(path: "\(project) (unreadable)", bytes: [])]).map { "\(folder)/\($0.path)" }
            }
        }
    }

    static func comments(_ source: SourceFile) -> [String] {
        Lexer.lex(source, fileIndex: 0).comments.map { source.text($0.start..<$0.end).trimmingCharacters(in: .whitespaces) }.sorted()
    }

    /// A plan without spans and hash: what a program means, not where it was written.
    static func meaning(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): return .object(members.filter { $0.0 != "span" && $0.0 != "hash" }.map { ($0.0, meaning($0.1)) })
        case .array(let items): return .array(items.map(meaning))
        default: return value
        }
    }

    @Test(arguments: files)
    func formatting(_ path: String) throws {
        let data = try Data(contentsOf: Fixtures.directory.appendingPathComponent(path))
        let source = SourceFile(path: path, bytes: Array(data))
        guard let once = Formatter.format(source) else {
            // Files with syntax errors are left alone.
            #expect(Parser.parse(source, fileIndex: 0).1.contains { $0.severity == .error })
            return
        }
        let formatted = SourceFile(path: path, text: once)
        #expect(Formatter.format(formatted) == once, "formatting \(path) twice changes it")
        #expect(Self.comments(formatted) == Self.comments(source), "formatting \(path) loses or changes comments")
        #expect(Parser.parse(formatted, fileIndex: 0).1.isEmpty)
        let before = Compiler.compile([source]), after = Compiler.compile([formatted])
        #expect(before.result.diagnostics.map(\.code) == after.result.diagnostics.map(\.code), "formatting \(path) changes its diagnostics")
        if let a = before.plan, let b = after.plan {
            #expect(Self.meaning(a) == Self.meaning(b), "formatting \(path) changes its plan")
        }
    }

    /// `Fixtures/format/NAME.alloy` → `NAME.formatted.alloy` (ALLOY_UPDATE=1 rewrites it).
    @Test(arguments: Fixtures.projects(in: "format").filter { !$0.hasSuffix(".formatted.alloy") })
    func golden(_ name: String) throws {
        let source = try Fixtures.sources("format", name)[0]
        let formatted = try #require(Formatter.format(source))
        try Fixtures.expectGolden(formatted, at: Fixtures.directory.appendingPathComponent("format/" + name.replacingOccurrences(of: ".alloy", with: ".formatted.alloy")))
    }
}
