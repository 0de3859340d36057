import AlloyCLICore
import AlloyCore
import AlloyCompiler

/// `alloyc check [PATH…] [--format human|json|github|sarif] [--warnings-as-errors]`
enum CheckCommand {
    static let help = """
    USAGE: alloyc check [PATH…] [--format human|json|github|sarif] [--warnings-as-errors]

    Checks a project: parses every file, resolves every name and checks every type
    against event schemas and action signatures. Prints diagnostics and a summary.

    OPTIONS:
      --format FORMAT          human (default), json, github (CI annotations) or sarif (SARIF 2.1.0)
      --warnings-as-errors     Exit 1 when there are warnings
      -h, --help               Show this help

    Exit codes: 0 no errors, 1 errors (or warnings with --warnings-as-errors), 2 the check could not run.

    """

    static func run(_ arguments: [String], io: CommandIO) throws -> Int32 {
        let parsed = try Arguments(arguments, command: "alloyc check", options: ["--format": true, "--warnings-as-errors": false])
        if parsed.wantsHelp { io.writeOutput(help); return ExitCode.success }
        let format = try parsed.choice("--format", default: DiagnosticFormat.human, DiagnosticFormat.allCases)
        let sources = try ProjectLoader.load(parsed.positionals, io: io)
        let result = Compiler.check(sources)
        let renderer = DiagnosticRenderer(files: result.files, projectFileCount: result.projectFileCount,
                                          color: format == .human && io.useColor)
        io.writeOutput(renderer.render(result.diagnostics, as: format))
        if result.hasErrors { return ExitCode.inputErrors }
        if parsed.flags.contains("--warnings-as-errors") && !result.diagnostics.isEmpty { return ExitCode.inputErrors }
        return ExitCode.success
    }
}
