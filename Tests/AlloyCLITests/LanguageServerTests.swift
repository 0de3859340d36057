import AlloyCore
import Foundation
import Testing

/// Drives the real `alloyc lsp` process over its stdio with scripted sessions.
final class LSPClient: @unchecked Sendable {
    let process = Process()
    private let input = Pipe(), output = Pipe()
    private let condition = NSCondition()
    private var messages: [JSONValue] = []
    private var nextId: Int64 = 0

    init(root: URL) throws {
        process.executableURL = URL(fileURLWithPath: Executables.path("alloyc"))
        process.arguments = ["lsp"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = output.fileHandleForReading
        Thread { [self] in
            var buffer: [UInt8] = []
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                buffer.append(contentsOf: data)
                while let headerEnd = Self.find(buffer, Array("\r\n\r\n".utf8)) {
                    let header = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
                    guard let lengthText = header.split(separator: ":").last, let length = Int(lengthText.trimmingCharacters(in: .whitespaces)),
                          buffer.count >= headerEnd + 4 + length else { break }
                    let body = Array(buffer[(headerEnd + 4)..<(headerEnd + 4 + length)])
                    buffer.removeFirst(headerEnd + 4 + length)
                    if let message = try? JSONReader.parse(body) {
                        condition.lock(); messages.append(message); condition.broadcast(); condition.unlock()
                    }
                }
            }
        }.start()
    }

    static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where Array(haystack[index..<(index + needle.count)]) == needle { return index }
        return nil
    }

    func send(_ message: JSONValue) {
        let body = Array(message.serialized().utf8)
        input.fileHandleForWriting.write(Data(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body))
    }

    func notify(_ method: String, _ params: JSONValue) {
        send(.object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)]))
    }

    /// Sends a request and waits for its response's result.
    func request(_ method: String, _ params: JSONValue) -> JSONValue? {
        nextId += 1
        let id = nextId
        send(.object([("jsonrpc", .string("2.0")), ("id", .int(id)), ("method", .string(method)), ("params", params)]))
        return waitFor { $0["id"] == .int(id) }.map { $0["result"] ?? $0["error"] ?? .null }
    }

    /// Waits (without sleeping blindly) for a message matching `predicate`, consuming it.
    func waitFor(timeout: Double = 20, _ predicate: (JSONValue) -> Bool) -> JSONValue? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = messages.firstIndex(where: predicate) { return messages.remove(at: index) }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    /// The next diagnostics published for `uri`.
    func diagnostics(for uri: String) -> [JSONValue]? {
        waitFor { $0["method"] == .string("textDocument/publishDiagnostics") && $0["params"]?["uri"] == .string(uri) }?["params"]?["diagnostics"]?.arrayValue
    }

    func finish() -> Int32 {
        _ = request("shutdown", .null)
        notify("exit", .null)
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite struct LanguageServerTests {
    static func position(_ line: Int, _ character: Int) -> JSONValue {
        .object([("line", .int(Int64(line))), ("character", .int(Int64(character)))])
    }

    static func at(_ uri: String, _ line: Int, _ character: Int) -> JSONValue {
        .object([("textDocument", .object([("uri", .string(uri))])), ("position", position(line, character))])
    }

    static func workspace() throws -> (URL, String, String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("alloy-lsp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let seed = try String(contentsOf: Executables.root.appendingPathComponent("Fixtures/examples/tickets/tickets.alloy"), encoding: .utf8)
        try Data(seed.utf8).write(to: root.appendingPathComponent("tickets.alloy"))
        // A second file of the same project, on disk only.
        try Data("workflow \"Audit\" {\n  on \"Ticket Created\"\n  step log = http.post { url: \"https://audit.example.com\", body: { name: event.ticketName } }\n}\n".utf8)
            .write(to: root.appendingPathComponent("audit.alloy"))
        return (root, "file://" + root.appendingPathComponent("tickets.alloy").path, seed)
    }

    @Test func scriptedSession() throws {
        let (root, uri, seed) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let client = try LSPClient(root: root)
        let initialize = try #require(client.request("initialize", .object([("processId", .null), ("rootUri", .string("file://" + root.path)), ("capabilities", .object([]))])))
        #expect(initialize["capabilities"]?["hoverProvider"] == .bool(true))
        client.notify("initialized", .object([]))
        client.notify("textDocument/didOpen", .object([("textDocument", .object([
            ("uri", .string(uri)), ("languageId", .string("alloy")), ("version", .int(1)), ("text", .string(seed)),
        ]))]))

        // Introduce an error with an incremental change: ticketName -> ticketNam on line 32 (0-based 31).
        let lines = seed.split(separator: "\n", omittingEmptySubsequences: false)
        let line = 31
        let column = try #require(lines[line].range(of: "ticketName}}")).lowerBound.utf16Offset(in: lines[line])
        client.notify("textDocument/didChange", .object([
            ("textDocument", .object([("uri", .string(uri)), ("version", .int(2))])),
            ("contentChanges", .array([.object([
                ("range", .object([("start", Self.position(line, column + 9)), ("end", Self.position(line, column + 10))])),
                ("text", .string("")),
            ])])),
        ]))
        let errors = try #require(client.diagnostics(for: uri))
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error["code"] == .string("unknown-field"))
        #expect(error["codeDescription"]?["href"]?.stringValue?.hasSuffix("docs/diagnostics.md#unknown-field") == true)
        #expect(error["range"]?["start"] == Self.position(line, column))

        // The quick fix restores the name.
        let actions = try #require(client.request("textDocument/codeAction", .object([
            ("textDocument", .object([("uri", .string(uri))])),
            ("range", .object([("start", Self.position(line, column)), ("end", Self.position(line, column + 9))])),
            ("context", .object([("diagnostics", .array(errors))])),
        ]))?.arrayValue)
        #expect(actions.first?["title"] == .string("replace with 'ticketName'"))

        // Fix it and see diagnostics clear.
        client.notify("textDocument/didChange", .object([
            ("textDocument", .object([("uri", .string(uri)), ("version", .int(3))])),
            ("contentChanges", .array([.object([("text", .string(seed))])])),
        ]))
        #expect(client.diagnostics(for: uri)?.isEmpty == true)

        // Hover on `event.ticketName` shows the type and the doc comment of events.
        let hover = client.request("textDocument/hover", Self.at(uri, line, column + 2))
        #expect(hover?["contents"]?["value"]?.stringValue?.contains("ticketName: String") == true)
        let eventHover = client.request("textDocument/hover", Self.at(uri, 1, 10))
        #expect(eventHover?["contents"]?["value"]?.stringValue?.contains("Sent by the app whenever a customer opens a support ticket.") == true)

        // Definition of `steps.notify` (line 37) is the step's name (line 30).
        let stepsLine = 37
        let notifyColumn = try #require(lines[stepsLine].range(of: "steps.notify")).lowerBound.utf16Offset(in: lines[stepsLine]) + 7
        let definition = try #require(client.request("textDocument/definition", Self.at(uri, stepsLine, notifyColumn)))
        #expect(definition["uri"] == .string(uri))
        #expect(definition["range"]?["start"] == Self.position(29, 7))

        // Definition of the type name `Customer` goes to its declaration.
        let customer = try #require(client.request("textDocument/definition", Self.at(uri, 8, 15)))
        #expect(customer["range"]?["start"] == Self.position(21, 5))

        // Completion after `event.`, `steps.`, `steps.notify.`, `slack.`, inside `on "` and inside a step.
        func labels(_ text: String, at position: (Int, Int)) -> [String] {
            var edited = lines.map(String.init)
            edited[position.0] = text
            client.notify("textDocument/didChange", .object([
                ("textDocument", .object([("uri", .string(uri)), ("version", .int(4))])),
                ("contentChanges", .array([.object([("text", .string(edited.joined(separator: "\n")))])])),
            ]))
            _ = client.diagnostics(for: uri)
            let items = client.request("textDocument/completion", Self.at(uri, position.0, position.1))?.arrayValue ?? []
            return items.compactMap { $0["label"]?.stringValue }
        }
        #expect(labels("    text: event.", at: (32, 16)).contains("customerEmail"))
        #expect(labels("    text: event.customer.", at: (32, 25)) == ["id", "plan"])
        #expect(labels("      text: steps.", at: (37, 18)).contains("notify"))
        #expect(labels("      text: steps.notify.", at: (37, 25)).contains("ts"))
        #expect(labels("  step x = slack.", at: (33, 17)).contains("postMessage"))
        #expect(labels("  on \"", at: (27, 6)).contains("Ticket Created"))
        // Line 31 held `text:`; with it blanked, the inputs not yet given are offered.
        #expect(labels("    ", at: (31, 4)) == ["text", "thread_ts"])

        // Rename the step `notify` across the project: declaration and every use.
        client.notify("textDocument/didChange", .object([
            ("textDocument", .object([("uri", .string(uri)), ("version", .int(5))])),
            ("contentChanges", .array([.object([("text", .string(seed))])])),
        ]))
        _ = client.diagnostics(for: uri)
        let rename = try #require(client.request("textDocument/rename", Self.at(uri, 29, 8).merging(("newName", .string("announce")))))
        let edits = try #require(rename["changes"]?[uri]?.arrayValue)
        #expect(edits.count == 2)
        #expect(edits.allSatisfy { $0["newText"] == .string("announce") })

        // Renaming the event renames its declaration and both `on` lines (one is in another file).
        let renameEvent = try #require(client.request("textDocument/rename", Self.at(uri, 1, 10).merging(("newName", .string("Ticket Opened")))))
        let eventEdits = renameEvent["changes"]?[uri]?.arrayValue ?? []
        #expect(eventEdits.count == 2)
        #expect(eventEdits.first?["newText"] == .string("\"Ticket Opened\""))
        #expect(renameEvent["changes"]?["file://" + root.appendingPathComponent("audit.alloy").path]?.arrayValue?.count == 1)

        // Renaming a field renames the schema, the sample and every use across files.
        let renameField = try #require(client.request("textDocument/rename", Self.at(uri, 3, 6).merging(("newName", .string("title")))))
        #expect(renameField["changes"]?[uri]?.arrayValue?.count == 5)

        // Formatting and symbols.
        #expect(client.request("textDocument/formatting", .object([("textDocument", .object([("uri", .string(uri))])), ("options", .object([]))]))?.arrayValue?.isEmpty == true)
        let symbols = client.request("textDocument/documentSymbol", .object([("textDocument", .object([("uri", .string(uri))]))]))?.arrayValue ?? []
        #expect(symbols.compactMap { $0["name"]?.stringValue } == ["Ticket Created", "Customer", "Post new tickets to Slack"])

        #expect(client.finish() == 0)
    }

    @Test func positionsCountUTF16CodeUnits() throws {
        let (root, uri, _) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let client = try LSPClient(root: root)
        _ = client.request("initialize", .object([("rootUri", .string("file://" + root.path)), ("capabilities", .object([]))]))
        client.notify("initialized", .object([]))
        // 😀 is two UTF-16 code units, é is one.
        let text = "event \"E\" { schema { a: String } }\nworkflow \"W\" {\n  on \"E\"\n  step s = slack.postMessage { channel: \"😀é\", text: event.b }\n}\n"
        client.notify("textDocument/didOpen", .object([("textDocument", .object([("uri", .string(uri)), ("languageId", .string("alloy")), ("version", .int(1)), ("text", .string(text))]))]))
        let diagnostics = try #require(client.diagnostics(for: uri))
        let unknown = try #require(diagnostics.first { $0["code"] == .string("unknown-field") })
        // `  step s = slack.postMessage { channel: "😀é", text: event.` is 59 UTF-16 units (58 scalars).
        #expect(unknown["range"]?["start"] == Self.position(3, 59))
        #expect(client.finish() == 0)
    }
}

extension JSONValue {
    func merging(_ member: (String, JSONValue)) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members + [member])
    }
}
