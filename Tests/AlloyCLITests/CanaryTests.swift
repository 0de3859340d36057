import AlloyRuntime
import Foundation
import Testing

/// Credentials never appear in output, errors or records — even when a server echoes them.
@Suite struct CanaryTests {
    static let canary = "xoxb-CANARY-cli-token"

    @Test func runOutputNeverContainsTheCredential() throws {
        // A hostile server echoes the Authorization header back, in errors and in successes.
        let server = HTTPServer { request in
            let echoed = request.headers["authorization"] ?? ""
            if request.body.count % 2 == 0 { return .json(500, #"{"error":"bad token \#(echoed)"}"#) }
            return .json(200, #"{"ok":true,"ts":"\#(echoed)","error":"\#(echoed)"}"#)
        }
        try server.start()
        defer { server.stop() }
        let fixtures = Executables.root.appendingPathComponent("Fixtures/cli")
        for format in ["human", "json"] {
            let output = try Executables.run("alloyc", ["run", "../examples/tickets", "--event", "Ticket Created", "--user", "gregg", "--sample",
                                                        "--users", "users.json", "--retries", "0", "--format", format,
                                                        "--base", "slack=http://127.0.0.1:\(server.port)"], in: fixtures)
            #expect(!output.stdout.contains("CANARY") && !output.stderr.contains("CANARY"), "\(format): \(output.stdout)\(output.stderr)")
            #expect(output.stdout.contains("redacted") || output.stdout.contains("HTTP 500"))
        }
    }

    /// No golden output anywhere in the corpus holds a credential.
    @Test func noGoldenFileHoldsACredential() throws {
        let fixtures = Executables.root.appendingPathComponent("Fixtures")
        let files = try FileManager.default.subpathsOfDirectory(atPath: fixtures.path)
            .filter { $0.hasSuffix(".out") || $0.hasSuffix(".plan.json") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("CANARY"), "\(file) contains a credential")
        }
    }
}
