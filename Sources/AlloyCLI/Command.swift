import AlloyCompiler
import Foundation

/// The standard streams and environment a command runs with, injected so tests can run
/// commands in process and read what they print.
public struct CommandIO: Sendable {
    public var readStandardInput: @Sendable () -> [UInt8]
    public var writeOutput: @Sendable (String) -> Void
    public var writeError: @Sendable (String) -> Void
    /// Standard output is a terminal (colour and progress lines are allowed).
    public var outputIsTerminal: Bool
    public var environment: [String: String]
    public var currentDirectory: String

    public init(readStandardInput: @escaping @Sendable () -> [UInt8], writeOutput: @escaping @Sendable (String) -> Void,
                writeError: @escaping @Sendable (String) -> Void, outputIsTerminal: Bool,
                environment: [String: String], currentDirectory: String) {
        self.readStandardInput = readStandardInput
        self.writeOutput = writeOutput
        self.writeError = writeError
        self.outputIsTerminal = outputIsTerminal
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// The process's real streams.
    public static var standard: CommandIO {
        CommandIO(
            readStandardInput: { Array(FileHandle.standardInput.readDataToEndOfFile()) },
            writeOutput: { FileHandle.standardOutput.write(Data($0.utf8)) },
            writeError: { FileHandle.standardError.write(Data($0.utf8)) },
            outputIsTerminal: isatty(1) == 1,
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// Colour is used only on a terminal and never when NO_COLOR is set.
    public var useColor: Bool {
        outputIsTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }
}

/// Exit codes shared by every command.
public enum ExitCode {
    /// Success; warnings allowed unless `--warnings-as-errors`.
    public static let success: Int32 = 0
    /// The input has errors: diagnostics, a rejected event, a failed step.
    public static let inputErrors: Int32 = 1
    /// The command itself could not run: bad flags, unreadable file, unknown plan format.
    public static let usage: Int32 = 2
}

/// An error that stops a command with exit code 2 and a message on standard error.
struct UsageError: Error {
    var message: String
    var hint: String?

    init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}

/// `alloyc`: dispatches to a subcommand.
public enum AlloycCommand {
    static let usage = """
    alloyc — the compiler for .alloy workflows

    USAGE: alloyc <command> [options]

    COMMANDS:
      check     Check a project and report diagnostics
      compile   Check a project and write its plan (alloy-plan/1)
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
        do {
            switch first {
            case "check": return try CheckCommand.run(rest, io: io)
            case "compile": return try CompileCommand.run(rest, io: io)
            case "explain": return try ExplainCommand.run(rest, io: io)
            case "-h", "--help", "help":
                if let topic = rest.first, topic != "-h", topic != "--help" { return run([topic, "--help"], io: io) }
                io.writeOutput(usage)
                return ExitCode.success
            case "--version", "version":
                io.writeOutput("alloyc \(AlloyVersion.current) (plan format \(PlanEmitter.format))\n")
                return ExitCode.success
            default:
                let suggestions = Suggestions.closest(to: first, among: ["check", "compile", "explain", "help"])
                throw UsageError("unknown command '\(first)'", hint: suggestions.first.map { "did you mean 'alloyc \($0)'?" } ?? "run 'alloyc --help' to see the commands")
            }
        } catch let error as UsageError {
            io.writeError("error: \(error.message)\n")
            if let hint = error.hint { io.writeError("help: \(hint)\n") }
            return ExitCode.usage
        } catch {
            io.writeError("error: \(error)\n")
            return ExitCode.usage
        }
    }
}
