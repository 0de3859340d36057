import AlloyCompiler
import Foundation
import Testing

/// The catalog behind `alloyc explain` and docs/diagnostics.md tells the truth: each failing
/// example triggers its code and each fixed example checks cleanly.
@Suite struct CatalogTests {
    @Test(arguments: Catalog.all.map(\.code))
    func examplesAreHonest(_ code: Diagnostic.Code) {
        let entry = code.entry
        let failing = Compiler.check([SourceFile(path: "failing.alloy", text: entry.failing)])
        #expect(failing.diagnostics.contains { $0.code == code }, "the failing example of \(code.rawValue) does not trigger it")
        #expect(failing.diagnostics.allSatisfy { $0.code == code }, "the failing example of \(code.rawValue) also reports \(failing.diagnostics.map(\.code.rawValue))")
        let fixed = Compiler.check([SourceFile(path: "fixed.alloy", text: entry.fixed)])
        #expect(fixed.diagnostics.isEmpty, "the fixed example of \(code.rawValue) reports \(fixed.diagnostics.map { "\($0.code.rawValue): \($0.message)" })")
        #expect(!entry.summary.hasSuffix("."))
    }

    /// docs/diagnostics.md is generated from the catalog (ALLOY_UPDATE=1 rewrites it).
    @Test func documentationMatchesCatalog() throws {
        try Fixtures.expectGolden(Self.markdown(), at: Fixtures.root.appendingPathComponent("docs/diagnostics.md"))
    }

    static func markdown() -> String {
        var out = """
        # Diagnostics

        Every diagnostic `alloyc` reports has a stable code. Tests, editors and CI key on
        these codes; messages may improve over time, codes do not change meaning.
        `alloyc explain CODE` prints the same entry in a terminal.

        This file is generated from the compiler's catalog
        (`Sources/AlloyCompiler/Diagnostics/Catalog.swift`); a test keeps them in step.

        | code | severity | when |
        |---|---|---|

        """
        for entry in Catalog.all {
            out += "| [`\(entry.code.rawValue)`](#\(entry.code.rawValue)) | \(entry.code.severity.rawValue) | \(entry.summary) |\n"
        }
        for entry in Catalog.all {
            out += """

            ## \(entry.code.rawValue)

            *\(entry.code.severity.rawValue)* — \(entry.summary)

            \(entry.explanation.trimmingCharacters(in: .newlines))

            Triggers it:

            ```alloy
            \(entry.failing.trimmingCharacters(in: .newlines))
            ```

            Fixed:

            ```alloy
            \(entry.fixed.trimmingCharacters(in: .newlines))
            ```

            """
        }
        return out
    }
}
