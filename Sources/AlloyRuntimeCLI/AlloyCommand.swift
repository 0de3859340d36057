import AlloyCLICore
import AlloyRuntime

/// `alloy`: the runtime's command line.
public enum AlloyCommand {
    static let usage = """
    alloy — the runtime for compiled .alloy plans

    USAGE: alloy <command> [options]

    COMMANDS:
      run       Run one event through a plan
      replay    Run a stream of events (NDJSON) through a plan, with a summary
      serve     Serve POST /run/event over HTTP

    OPTIONS:
      -h, --help      Show help (also: alloy <command> --help)
      --version       Show the version

    Exit codes: 0 success, 1 a rejected event or a failed step, 2 the command could not run.

    """

    /// Runs `alloy` with its arguments (without the program name) and returns the exit code.
    public static func run(_ arguments: [String], io: CommandIO) -> Int32 {
        guard let first = arguments.first else {
            io.writeError(usage)
            return ExitCode.usage
        }
        let rest = Array(arguments.dropFirst())
        return runReportingUsageErrors(io: io) {
            switch first {
            case "run": return try RunCommand.run(rest, io: io, program: "alloy run")
            case "replay": return try ReplayCommand.run(rest, io: io)
            case "serve": return try ServeCommand.run(rest, io: io)
            case "-h", "--help", "help":
                if let topic = rest.first, topic != "-h", topic != "--help" { return AlloyCommand.run([topic, "--help"], io: io) }
                io.writeOutput(usage)
                return ExitCode.success
            case "--version", "version":
                io.writeOutput("alloy \(RuntimeVersion.current) (reads \(PlanLoader.supportedFormat))\n")
                return ExitCode.success
            default:
                let suggestion = Suggestions.closest(to: first, among: ["run", "replay", "serve", "help"]).first
                throw UsageError("unknown command '\(first)'", hint: suggestion.map { "did you mean 'alloy \($0)'?" } ?? "run 'alloy --help' to see the commands")
            }
        }
    }
}

import AlloyCore
