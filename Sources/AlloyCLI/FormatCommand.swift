import AlloyCLICore
import AlloyCompiler
import AlloyCore
import Foundation

/// `alloyc fmt [PATH…] [--check | --write]`
enum FormatCommand {
    static let help = """
    USAGE: alloyc fmt [PATH…] [--check | --write]

    Prints the canonical layout of .alloy files: two-space indentation, one field or
    statement per line, short lists on one line. Formatting keeps every comment and never
    changes meaning, and formatting twice changes nothing.

    OPTIONS:
      --check       List the files that are not formatted; exit 1 if there are any
      --write       Rewrite the files in place instead of printing them
      -h, --help    Show this help

    A file with syntax errors is left alone: its diagnostics are printed and the exit code is 1.
    Exit codes: 0 done (or all formatted, with --check), 1 unformatted files or syntax errors, 2 the command could not run.

    """

    static func run(_ arguments: [String], io: CommandIO) throws -> Int32 {
        let parsed = try Arguments(arguments, command: "alloyc fmt", options: ["--check": false, "--write": false])
        if parsed.wantsHelp { io.writeOutput(help); return ExitCode.success }
        let check = parsed.flags.contains("--check"), write = parsed.flags.contains("--write")
        if check && write { throw UsageError("--check and --write cannot be combined") }
        let sources = try ProjectLoader.load(parsed.positionals, io: io)
        if write && sources.contains(where: { $0.path == "<stdin>" }) { throw UsageError("--write cannot rewrite standard input") }
        var failed = false
        var unformatted: [String] = []
        for (index, source) in sources.enumerated() {
            guard let formatted = Formatter.format(source) else {
                let (_, diagnostics) = Parser.parse(source, fileIndex: 0)
                let renderer = DiagnosticRenderer(files: [source], projectFileCount: 1, color: io.errorIsTerminal && (io.environment["NO_COLOR"] ?? "").isEmpty)
                for diagnostic in diagnostics { io.writeError(renderer.humanDiagnostic(diagnostic)) }
                io.writeError("\(source.path): not formatted: fix the syntax errors first\n")
                failed = true
                continue
            }
            let changed = Array(formatted.utf8) != source.bytes
            if check {
                if changed { unformatted.append(source.path) }
            } else if write {
                if changed {
                    do {
                        try Data(formatted.utf8).write(to: URL(fileURLWithPath: io.absolutePath(source.path)), options: .atomic)
                    } catch {
                        throw UsageError("cannot write \(source.path): \(error.localizedDescription)")
                    }
                    io.writeError("formatted \(source.path)\n")
                }
            } else {
                if sources.count > 1 { io.writeOutput("\(index > 0 ? "\n" : "")// \(source.path)\n") }
                io.writeOutput(formatted)
            }
        }
        for path in unformatted { io.writeOutput("\(path)\n") }
        if check && !unformatted.isEmpty {
            io.writeError("\(unformatted.count) file\(unformatted.count == 1 ? " is" : "s are") not formatted; run 'alloyc fmt --write' to format\n")
        }
        return failed || !unformatted.isEmpty ? ExitCode.inputErrors : ExitCode.success
    }
}
