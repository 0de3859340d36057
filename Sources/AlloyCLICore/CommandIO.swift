import Foundation

/// The standard streams and environment a command runs with, injected so tests can run
/// commands in process and read what they print.
public struct CommandIO: Sendable {
    public var readStandardInput: @Sendable () throws -> [UInt8]
    public var writeOutput: @Sendable (String) -> Void
    public var writeError: @Sendable (String) -> Void
    /// Standard output is a terminal (colour is allowed).
    public var outputIsTerminal: Bool
    /// Standard error is a terminal (progress lines are allowed).
    public var errorIsTerminal: Bool = false
    /// The real standard input, for commands that stream it; nil when input is injected.
    public var standardInputDescriptor: Int32?
    /// Writes bytes to standard output without a detour through `String` (for bulk output).
    public var writeOutputBytes: @Sendable ([UInt8]) -> Void
    public var environment: [String: String]
    public var currentDirectory: String

    public init(readStandardInput: @escaping @Sendable () throws -> [UInt8], writeOutput: @escaping @Sendable (String) -> Void,
                writeError: @escaping @Sendable (String) -> Void, outputIsTerminal: Bool,
                environment: [String: String], currentDirectory: String, errorIsTerminal: Bool = false,
                standardInputDescriptor: Int32? = nil) {
        self.readStandardInput = readStandardInput
        self.writeOutput = writeOutput
        self.writeError = writeError
        self.outputIsTerminal = outputIsTerminal
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.errorIsTerminal = errorIsTerminal
        self.standardInputDescriptor = standardInputDescriptor
        self.writeOutputBytes = { writeOutput(String(decoding: $0, as: UTF8.self)) }
    }

    /// The process's real streams, through the system calls: a full disk or a closed stream
    /// loses output but never stops the process.
    public static var standard: CommandIO {
        var io = CommandIO(
            readStandardInput: { try CommandIO.readAll(0) },
            writeOutput: { CommandIO.writeAll(1, Array($0.utf8)) },
            writeError: { CommandIO.writeAll(2, Array($0.utf8)) },
            outputIsTerminal: isatty(1) == 1,
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath,
            errorIsTerminal: isatty(2) == 1, standardInputDescriptor: 0)
        io.writeOutputBytes = { CommandIO.writeAll(1, $0) }
        return io
    }

    /// Writes every byte, retrying on interruption; gives up silently on other errors.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = write(fd, base + offset, buffer.count - offset)
                if written < 0 { if errno == EINTR { continue }; return }
                offset += written
            }
        }
    }

    /// Reads a descriptor to its end.
    static func readAll(_ fd: Int32) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return result }
            if count < 0 {
                if errno == EINTR { continue }
                throw UsageError("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            result.append(contentsOf: chunk[0..<count])
            if result.count > 256 << 20 { throw UsageError("standard input is larger than 256 MB") }
        }
    }

    /// Reads a file named on the command line, relative to the current directory; '-' is standard input.
    public func readFile(_ path: String, what: String) throws -> [UInt8] {
        if path == "-" { return try readStandardInput() }
        let absolute = path.hasPrefix("/") ? path : currentDirectory + "/" + path
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw UsageError("cannot read \(what) \(path): no such file, or not readable")
        }
        return Array(data)
    }

    /// An absolute path for a path named on the command line.
    public func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : currentDirectory + "/" + path
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
public struct UsageError: Error {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}


/// Runs a command body, turning usage errors into a message and exit code 2.
public func runReportingUsageErrors(io: CommandIO, _ body: () throws -> Int32) -> Int32 {
    do {
        return try body()
    } catch let error as UsageError {
        io.writeError("error: \(error.message)\n")
        if let hint = error.hint { io.writeError("help: \(hint)\n") }
        return ExitCode.usage
    } catch {
        io.writeError("error: \(error)\n")
        return ExitCode.usage
    }
}
