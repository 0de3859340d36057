import AlloyCompiler
import Foundation
import Testing

/// Keeps `Grammar/alloy.ebnf` honest: it accepts every fixture the parser accepts and
/// rejects every fixture with a syntax error.
@Suite struct GrammarTests {
    static let grammarURL = Fixtures.root.appendingPathComponent("Grammar/alloy.ebnf")

    static var files: [String] {
        ["parse", "check", "emit", "examples"].flatMap { folder in
            Fixtures.projects(in: folder).flatMap { project -> [String] in
                ((try? Fixtures.sources(folder, project)) ?? [SourceFile(path: "\(project) (unreadable)", bytes: [])]).map { "\(folder)/\($0.path)" }
            }
        }
    }

    /// Syntax errors that depend on context a context-free grammar does not carry.
    static func isContextual(_ diagnostic: Diagnostic) -> Bool {
        ["cannot contain '{{ }}'", "cannot be empty", "is too large", "nesting is too deep", "more syntax errors", "more lexical errors"]
            .contains { diagnostic.message.contains($0) }
    }

    @Test func grammarReads() throws {
        let grammar = try GrammarRecognizer(ebnf: String(contentsOf: Self.grammarURL, encoding: .utf8))
        #expect(grammar.rules["file"] != nil)
    }

    @Test(arguments: files)
    func grammarAgreesWithParser(_ path: String) throws {
        let grammar = try GrammarRecognizer(ebnf: String(contentsOf: Self.grammarURL, encoding: .utf8))
        let data = try Data(contentsOf: Fixtures.directory.appendingPathComponent(path))
        let source = SourceFile(path: path, bytes: Array(data))
        let lexed = Lexer.lex(source, fileIndex: 0)
        let (_, diagnostics) = Parser.parse(source, fileIndex: 0)
        let syntaxErrors = diagnostics.filter { $0.code == .syntax }
        let accepted = lexed.diagnostics.isEmpty && grammar.accepts(GrammarRecognizer.symbols(source))
        if syntaxErrors.isEmpty {
            #expect(accepted, "the parser accepts \(path) but the grammar rejects it")
        } else if !syntaxErrors.allSatisfy(Self.isContextual) {
            #expect(!accepted, "the parser rejects \(path) (\(syntaxErrors[0].message)) but the grammar accepts it")
        }
    }
}
