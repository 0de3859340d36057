import AlloyCLICore
import AlloyCore
import AlloyCompiler

/// `alloyc explain CODE`
enum ExplainCommand {
    static let help = """
    USAGE: alloyc explain CODE

    Explains a diagnostic code (such as unknown-field) at length, with an example
    that triggers it and the same example fixed.

    Codes: \(Diagnostic.Code.allCases.map(\.rawValue).joined(separator: ", "))

    """

    static func run(_ arguments: [String], io: CommandIO) throws -> Int32 {
        let parsed = try Arguments(arguments, command: "alloyc explain", options: [:])
        if parsed.wantsHelp { io.writeOutput(help); return ExitCode.success }
        guard parsed.positionals.count == 1, let raw = parsed.positionals.first else {
            throw UsageError(parsed.positionals.isEmpty ? "name a diagnostic code to explain" : "explain takes one code",
                             hint: "the codes are: \(Diagnostic.Code.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var name = raw
        if name.hasPrefix("error[") || name.hasPrefix("warning[") {
            name = String(name.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" })
        }
        guard let code = Diagnostic.Code(rawValue: name) else {
            let suggestions = Suggestions.closest(to: name, among: Diagnostic.Code.allCases.map(\.rawValue))
            throw UsageError("unknown diagnostic code '\(raw)'",
                             hint: suggestions.first.map { "did you mean '\($0)'?" } ?? "the codes are: \(Diagnostic.Code.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        io.writeOutput(render(code.entry))
        return ExitCode.success
    }

    /// The long explanation of one code, as printed by `explain` and listed in docs/diagnostics.md.
    static func render(_ entry: CatalogEntry) -> String {
        """
        \(entry.code.severity.rawValue)[\(entry.code.rawValue)]: \(entry.summary)

        \(entry.explanation.trimmingTrailingNewlines)

        Example that triggers it:

        \(indent(entry.failing))

        Fixed:

        \(indent(entry.fixed))

        """
    }

    private static func indent(_ text: String) -> String {
        text.trimmingTrailingNewlines.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var result = self
        while result.hasSuffix("\n") { result.removeLast() }
        return result
    }
}
