import AlloyCLICore
import AlloyCompiler
import AlloyCore
import AlloyRuntime
import AlloyRuntimeCLI

/// `alloyc run [PATH…] --event NAME …`: compiles in memory, then runs like `alloy run`.
enum RunSourcesCommand {
    static let help = """
    USAGE: alloyc run [PATH…] --event NAME [--user ID] (--data JSON | --data-file F | --sample) [--dry-run]
                      [--users USERS.json] [--base CONNECTOR=URL]… [--format human|json]

    Compiles the project in memory and runs one event through it, exactly as
    'alloy run' runs a compiled plan. Diagnostics stop the run.

    OPTIONS:
    \(RunCommand.optionsHelp)

    Exit codes: 0 every step succeeded, 1 errors in the project, a rejected event or a failed step, 2 the command could not run.

    """

    static func run(_ arguments: [String], io: CommandIO) throws -> Int32 {
        let parsed = try Arguments(arguments, command: "alloyc run", options: RunCommand.options)
        if parsed.wantsHelp { io.writeOutput(help); return ExitCode.success }
        let sources = try ProjectLoader.load(parsed.positionals, io: io)
        let (plan, result) = Compiler.compile(sources)
        if !result.diagnostics.isEmpty {
            let renderer = DiagnosticRenderer(files: result.files, projectFileCount: result.projectFileCount,
                                              color: io.errorIsTerminal && (io.environment["NO_COLOR"] ?? "").isEmpty)
            let errors = result.diagnostics.filter { $0.severity == .error }
            io.writeError(renderer.render(errors.isEmpty ? result.diagnostics : errors, as: .human))
        }
        guard let plan else { return ExitCode.inputErrors }
        let loaded: LoadedPlan
        do {
            loaded = try PlanLoader.load(Array(PlanEmitter.serialize(plan).utf8))
        } catch {
            throw UsageError("internal error: the compiled plan does not load: \(error.message)")
        }
        return try RunCommand.execute(loaded, parsed, io: io)
    }
}
