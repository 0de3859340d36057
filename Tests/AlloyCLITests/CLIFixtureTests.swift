import Foundation
import Testing

/// Runs the built executables end to end.
enum Executables {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of a built product, next to the test bundle.
    static func path(_ name: String) -> String {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent(name).path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name).path,
            root.appendingPathComponent(".build/debug/\(name)").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[2]
    }

    struct Output {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// Runs a product with arguments in a directory, feeding `input` on standard input.
    static func run(_ name: String, _ arguments: [String], in directory: URL, input: Data = Data(), environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path(name))
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ["NO_COLOR": "1", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        env.merge(environment) { $1 }
        process.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes concurrently so a full pipe never blocks the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = stdout.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = stderr.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Output(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self), status: process.terminationStatus)
    }
}

/// `Fixtures/cli/NAME.cmd` holds a command line; `NAME.out` its golden stdout, stderr and exit
/// code, refreshed with ALLOY_UPDATE=1. Commands run in `Fixtures/cli`.
@Suite struct CLIFixtureTests {
    static let directory = Executables.root.appendingPathComponent("Fixtures/cli")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".cmd") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// Splits a command line on spaces, keeping double-quoted words together.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var started = false
        var quote: Character?
        for character in line {
            if character == "\"" || character == "'" {
                if quote == nil { quote = character; quoted = true; started = true; continue }
                if quote == character { quote = nil; quoted = false; continue }
            }
            if character == " " && !quoted {
                if started { words.append(current); current = ""; started = false }
                continue
            }
            current.append(character)
            started = true
        }
        if started { words.append(current) }
        return words
    }

    @Test(arguments: cases)
    func command(_ name: String) throws {
        let spec = try String(contentsOf: Self.directory.appendingPathComponent("\(name).cmd"), encoding: .utf8)
        let lines = spec.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        let commands = lines.filter { $0.hasPrefix("$ ") }
        #expect(!commands.isEmpty, "\(name).cmd needs a '$ program args…' line")
        var input = Data()
        if let stdinLine = lines.first(where: { $0.hasPrefix("stdin: ") }) {
            input = try Data(contentsOf: Self.directory.appendingPathComponent(String(stdinLine.dropFirst(7))))
        }
        // $TMP names a scratch folder for files a command writes, outside the repository.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("alloy-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var actual = ""
        for commandLine in commands {
            let argv = Self.words(String(commandLine.dropFirst(2))).map { $0.replacingOccurrences(of: "$TMP", with: scratch.path) }
            let output = try Executables.run(argv[0], Array(argv.dropFirst()), in: Self.directory, input: input)
            // Timings vary from run to run; they are masked in the golden files.
            let stderr = output.stderr.replacingOccurrences(of: #"in [0-9.]+ s \([0-9]+ events/s\)"#, with: "in N s (N events/s)", options: .regularExpression)
            let text = "\(output.stdout)--- stderr\n\(stderr)".replacingOccurrences(of: scratch.path, with: "$TMP")
            actual += "\(commandLine)\n\(text)--- exit \(output.status)\n"
        }
        let golden = Self.directory.appendingPathComponent("\(name).out")
        if ProcessInfo.processInfo.environment["ALLOY_UPDATE"] == "1" {
            try Data(actual.utf8).write(to: golden)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(actual == expected, "\(name).out differs; run with ALLOY_UPDATE=1 to accept:\n\(actual)")
    }
}
