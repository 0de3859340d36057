import AlloyCore
import AlloyRuntime
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `alloy serve` as a real process: HTTP statuses, journal durability across kill -9.
@Suite(.serialized) struct ServeEndToEndTests {
    /// A running `alloy serve`; its port is read from the "listening on" line.
    final class ServeProcess: @unchecked Sendable {
        let process = Process()
        private(set) var port = 0
        private let output = Pipe()

        init(_ arguments: [String], in directory: URL) throws {
            process.executableURL = URL(fileURLWithPath: Executables.path("alloy"))
            process.arguments = ["serve"] + arguments + ["--port", "0"]
            process.currentDirectoryURL = directory
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait for readiness: the first line names the port.
            let ready = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var line = ""
            let handle = output.fileHandleForReading
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while true {
                    let data = handle.readData(ofLength: 1)
                    if data.isEmpty || data.first == 0x0A { break }
                    bytes.append(contentsOf: data)
                }
                line = String(decoding: bytes, as: UTF8.self)
                ready.signal()
            }
            guard ready.wait(timeout: .now() + 30) == .success, let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
                process.terminate()
                throw ServerError(description: "alloy serve did not start: '\(line)'")
            }
            self.port = port
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            if process.isRunning { process.terminate(); process.waitUntilExit() }
        }
    }

    /// A blocking HTTP call with URLSession; returns (status, body).
    static func request(_ method: String, _ url: String, body: String? = nil) -> (Int, JSONValue) {
        guard let target = URL(string: url) else { return (0, .null) }
        var request = URLRequest(url: target, timeoutInterval: 10)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, JSONValue) = (0, .null)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            result = ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONReader.parse(Array(data ?? Data()))) ?? .null)
            done.signal()
        }.resume()
        done.wait()
        return result
    }

    static func workspace() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alloy-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (status, _) = runAlloyc(["compile", Executables.root.appendingPathComponent("Fixtures/examples/tickets").path, "-o", directory.appendingPathComponent("plan.json").path])
        guard status == 0 else { throw ServerError(description: "compile failed") }
        try Data(#"{"gregg": {"credentials": {"slack": {"token": "xoxb-CANARY-serve-token"}}}}"#.utf8).write(to: directory.appendingPathComponent("users.json"))
        return directory
    }

    static let event = #"{"event":"Ticket Created","userId":"gregg","data":{"ticketName":"T","customerEmail":"g@example.com","priority":1,"tags":[],"customer":{"id":"c","plan":"pro"}}}"#

    @Test func answersEveryStatusAndKeepsServing() throws {
        let directory = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let slackLock = NSLock()
        nonisolated(unsafe) var slackCalls = 0
        let slack = HTTPServer { _ in slackLock.withLock { slackCalls += 1 }; return .json(200, #"{"ok":true,"ts":"1"}"#) }
        try slack.start()
        defer { slack.stop() }
        let serve = try ServeProcess(["plan.json", "--users", "users.json", "--base", "slack=http://127.0.0.1:\(slack.port)"], in: directory)
        defer { serve.stop() }
        let base = "http://127.0.0.1:\(serve.port)"

        // A dropped connection and garbage do not stop the server.
        let garbage = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(serve.port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(garbage, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        _ = "NOT HTTP\r\n\r\n".withCString { send(garbage, $0, 12, 0) }
        close(garbage)

        #expect(Self.request("GET", "\(base)/healthz").0 == 200)
        let (accepted, body) = Self.request("POST", "\(base)/run/event", body: Self.event)
        #expect(accepted == 202)
        let runId = try #require(body["runId"]?.stringValue)
        #expect(Self.request("POST", "\(base)/run/event", body: "{not json").0 == 400)
        let (invalid, problems) = Self.request("POST", "\(base)/run/event", body: #"{"event":"Ticket Created","userId":"gregg","data":{"priority":"high"}}"#)
        #expect(invalid == 400)
        #expect(problems["problems"]?.arrayValue?.count == 5)
        #expect(Self.request("POST", "\(base)/run/event", body: #"{"event":"Nope","userId":"gregg","data":{}}"#).0 == 404)
        #expect(Self.request("GET", "\(base)/run/event").0 == 405)
        #expect(Self.request("POST", "\(base)/run/event", body: String(repeating: "x", count: 2 << 20)).0 == 413)
        #expect(Self.request("GET", "\(base)/runs/run_unknown").0 == 404)

        var status = ""
        for _ in 0..<1500 where status != "succeeded" {
            status = Self.request("GET", "\(base)/runs/\(runId)").1["status"]?.stringValue ?? ""
            if status != "succeeded" { Thread.sleep(forTimeInterval: 0.02) }
        }
        #expect(status == "succeeded")
        let record = Self.request("GET", "\(base)/runs/\(runId)").1
        #expect(!record.serialized().contains("CANARY"))
        #expect(slackLock.withLock { slackCalls } == 1)
    }

    /// Kill -9 during a burst: every event that got a 202 is in the journal and runs after restart.
    @Test func killNineLosesNoAcceptedEvent() throws {
        let directory = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let slackLock = NSLock()
        nonisolated(unsafe) var seen = Set<String>()
        let slack = HTTPServer { request in
            if let text = (try? JSONReader.parse(request.body))?["text"]?.stringValue { slackLock.withLock { _ = seen.insert(text) } }
            return .json(200, #"{"ok":true}"#)
        }
        try slack.start()
        defer { slack.stop() }
        let arguments = ["plan.json", "--users", "users.json", "--journal", "journal", "--base", "slack=http://127.0.0.1:\(slack.port)"]
        let serve = try ServeProcess(arguments, in: directory)
        let base = "http://127.0.0.1:\(serve.port)"

        let acceptedLock = NSLock()
        nonisolated(unsafe) var accepted: [String: String] = [:]  // runId -> ticket name
        let group = DispatchGroup()
        for client in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                for index in 0..<400 {
                    let name = "T-\(client)-\(index)"
                    let body = Self.event.replacingOccurrences(of: #""ticketName":"T""#, with: #""ticketName":"\#(name)""#)
                    let (status, answer) = Self.request("POST", "\(base)/run/event", body: body)
                    if status == 202, let runId = answer["runId"]?.stringValue { acceptedLock.withLock { accepted[runId] = name } }
                    if status == 0 { return }  // the server is gone
                }
            }
        }
        // Kill the server in the middle of the burst.
        let deadline = Date().addingTimeInterval(60)
        while acceptedLock.withLock({ accepted.count }) < 300 && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        serve.kill9()
        group.wait()
        let acknowledged = acceptedLock.withLock { accepted }
        #expect(acknowledged.count >= 300)

        let restarted = try ServeProcess(arguments, in: directory)
        defer { restarted.stop() }
        let restartedBase = "http://127.0.0.1:\(restarted.port)"
        var missing = 0
        for runId in acknowledged.keys where Self.request("GET", "\(restartedBase)/runs/\(runId)").0 != 200 { missing += 1 }
        #expect(missing == 0, "accepted events lost across kill -9: \(missing)")
        // Every accepted event's step eventually runs (at least once).
        let names = Set(acknowledged.values)
        var pending = names.count
        for _ in 0..<1500 {
            pending = names.subtracting(slackLock.withLock { seen.map { $0.replacingOccurrences(of: "New ticket ", with: "").components(separatedBy: " from").first ?? "" } }).count
            if pending == 0 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(pending == 0, "\(pending) accepted events never ran after the restart")
        print("kill -9 during a burst: \(acknowledged.count) events acknowledged, \(missing) lost, all ran after restart: \(pending == 0)")
    }
}
