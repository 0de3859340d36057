import AlloyCLICore
import AlloyCore
import AlloyCompiler
import Foundation

/// `alloyc compile [PATH…] [-o PLAN.json]`
enum CompileCommand {
    static let help = """
    USAGE: alloyc compile [PATH…] [-o PLAN.json] [--format human|json|github|sarif]

    Checks a project and, when it has no errors, writes its plan: the versioned
    alloy-plan/1 JSON that the runtime (alloy run, replay, serve) executes.
    The same sources always give a byte-identical plan. No plan is written when
    there are errors.

    OPTIONS:
      -o, --output PLAN.json   Where to write the plan; '-' or no -o writes to standard output
      --format FORMAT          How to print diagnostics (on standard error): human (default), json, github, sarif
      --warnings-as-errors     Treat warnings as errors (no plan is written)
      -h, --help               Show this help

    Exit codes: 0 plan written, 1 the project has errors, 2 the command could not run.

    """

    static func run(_ arguments: [String], io: CommandIO) throws -> Int32 {
        let parsed = try Arguments(arguments, command: "alloyc compile",
                                   options: ["--output": true, "--format": true, "--warnings-as-errors": false],
                                   aliases: ["-o": "--output"])
        if parsed.wantsHelp { io.writeOutput(help); return ExitCode.success }
        let format = try parsed.choice("--format", default: DiagnosticFormat.human, DiagnosticFormat.allCases)
        let output = try parsed.value("--output") ?? "-"
        let sources = try ProjectLoader.load(parsed.positionals, io: io)
        let (plan, result) = Compiler.compile(sources)
        let strict = parsed.flags.contains("--warnings-as-errors")
        let renderer = DiagnosticRenderer(files: result.files, projectFileCount: result.projectFileCount,
                                          color: format == .human && io.outputIsTerminal && (io.environment["NO_COLOR"] ?? "").isEmpty)
        if !result.diagnostics.isEmpty || format != .human {
            io.writeError(renderer.render(result.diagnostics, as: format))
        }
        guard let plan, !(strict && !result.diagnostics.isEmpty) else {
            if format == .human { io.writeError("no plan written\n") }
            return ExitCode.inputErrors
        }
        let text = PlanEmitter.serialize(plan)
        if output == "-" {
            io.writeOutput(text)
        } else {
            let path = output.hasPrefix("/") ? output : io.currentDirectory + "/" + output
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw UsageError("cannot write \(output): \(error.localizedDescription)")
            }
            let counts = "\(plural(result.project.workflows.count, "workflow")), \(plural(result.project.events.count, "event")), \(plural(result.project.connectors.count, "connector"))"
            let hash = plan["hash"]?.stringValue ?? ""
            io.writeError("wrote \(output): \(counts) (\(hash.prefix(19))…)\n")
        }
        return ExitCode.success
    }

    private static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
}
