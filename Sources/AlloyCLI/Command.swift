import AlloyCLICore
import AlloyCompiler
import AlloyCore
import AlloyLanguageServer
import Foundation

/// `alloyc`: dispatches to a subcommand.
public enum AlloycCommand {
    static let usage = """
    alloyc — the compiler for .alloy workflows

    USAGE: alloyc <command> [options]

    COMMANDS:
      check     Check a project and report diagnostics
      compile   Check a project and write its plan (alloy-plan/1)
      run       Compile in memory and run one event (as 'alloy run' does with a plan)
      fmt       Print or rewrite files in the canonical layout
      lsp       Run the language server on stdio (for editors)
      explain   Explain a diagnostic code, with a failing and a fixed example

    OPTIONS:
      -h, --help      Show help (also: alloyc <command> --help)
      --version       Show the version

    A PATH is a .alloy file or a directory searched recursively; none means the
    current directory; '-' reads one file from standard input.
    Exit codes: 0 success, 1 the input has errors, 2 the command could not run.

    """

    /// Runs `alloyc` with its arguments (without the program name) and returns the exit code.
    public static func run(_ arguments: [String], io: CommandIO) -> Int32 {
        guard let first = arguments.first else {
            io.writeError(usage)
            return ExitCode.usage
        }
        let rest = Array(arguments.dropFirst())
        return runReportingUsageErrors(io: io) {
            switch first {
            case "check": return try CheckCommand.run(rest, io: io)
            case "compile": return try CompileCommand.run(rest, io: io)
            case "explain": return try ExplainCommand.run(rest, io: io)
            case "run": return try RunSourcesCommand.run(rest, io: io)
            case "fmt": return try FormatCommand.run(rest, io: io)
            case "lsp":
                if rest.contains("--help") || rest.contains("-h") {
                    io.writeOutput("USAGE: alloyc lsp\n\nSpeaks the Language Server Protocol over standard input and output: diagnostics\nas you type, hover, go to definition, completion, rename, quick fixes,\nformatting and document symbols. See docs/editors.md.\n")
                    return ExitCode.success
                }
                guard rest.isEmpty else { throw UsageError("alloyc lsp takes no arguments", hint: "editors start it as 'alloyc lsp' and talk to it over stdio") }
                return LanguageServer.run()
            case "-h", "--help", "help":
                if let topic = rest.first, topic != "-h", topic != "--help" { return AlloycCommand.run([topic, "--help"], io: io) }
                io.writeOutput(usage)
                return ExitCode.success
            case "--version", "version":
                io.writeOutput("alloyc \(AlloyVersion.current) (plan format \(PlanEmitter.format))\n")
                return ExitCode.success
            default:
                let suggestions = Suggestions.closest(to: first, among: ["check", "compile", "run", "fmt", "lsp", "explain", "help"])
                throw UsageError("unknown command '\(first)'", hint: suggestions.first.map { "did you mean 'alloyc \($0)'?" } ?? "run 'alloyc --help' to see the commands")
            }
        }
    }
}
