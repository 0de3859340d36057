import Foundation

// alloyc-lsp-bench: generates a 200-file project, starts `alloyc lsp` on it, and measures
// the time from a one-line change to the diagnostics it causes (or clears), over many
// changes. Prints p50, p95 and max; never fails on timing.
// Build in release mode: `swift build -c release && .build/release/alloyc-lsp-bench`.

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else { return fallback }
    return value
}
let fileCount = option("--files", 200)
let changes = option("--changes", 200)

let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let alloyc = here.appendingPathComponent("alloyc").path
guard FileManager.default.isExecutableFile(atPath: alloyc) else {
    FileHandle.standardError.write(Data("alloyc-lsp-bench: build alloyc first (swift build -c release)\n".utf8))
    exit(2)
}

// The project: one event and four workflows per file, all checked together.
let root = URL(fileURLWithPath: NSTemporaryDirectory() + "alloyc-lsp-bench")
try? FileManager.default.removeItem(at: root)
try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
var totalLines = 0
for file in 0..<fileCount {
    var text = """
    /// Record \(file) changed.
    event "Record \(file) Changed" {
      schema {
        id: String
        email: Email
        name: String
        score: Int
        tags: [String]
        note: String?
        account: { id: String, plan: "free" | "pro" | "enterprise", seats: Int }
      }
      sample { id: "r", email: "a@example.com", name: "n", score: 1, tags: [], account: { id: "a", plan: "pro", seats: 1 } }
    }

    """
    for workflow in 0..<4 {
        text += """
        workflow "Sync \(file)-\(workflow)" {
          on "Record \(file) Changed"

          step post = slack.postMessage {
            channel: event.score >= 50 ? "#hot" : "#leads"
            text: "{{event.name}} ({{event.email}}) scored {{event.score}}: {{event.note ?? "no note"}}"
          }
          if event.account.plan == "enterprise" && event.account.seats > 10 {
            step escalate = slack.postMessage { channel: "#enterprise", text: upper(event.name), thread_ts: steps.post.ts }
          }
          for tag in event.tags {
            step tagged = slack.postMessage { channel: "#tag-{{lower(tag)}}", text: "{{event.name}} tagged {{tag}}" }
          }
        }


        """
    }
    totalLines += text.split(separator: "\n", omittingEmptySubsequences: false).count
    try? Data(text.utf8).write(to: root.appendingPathComponent(String(format: "file%03d.alloy", file)))
}

// The server.
let process = Process()
process.executableURL = URL(fileURLWithPath: alloyc)
process.arguments = ["lsp"]
let input = Pipe(), output = Pipe()
process.standardInput = input
process.standardOutput = output
process.standardError = FileHandle.nullDevice
do { try process.run() } catch {
    FileHandle.standardError.write(Data("alloyc-lsp-bench: cannot start alloyc lsp: \(error)\n".utf8))
    exit(2)
}

@MainActor func send(_ object: [String: Any]) {
    guard let body = try? JSONSerialization.data(withJSONObject: object) else { return }
    input.fileHandleForWriting.write(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
}

nonisolated(unsafe) var buffer = Data()
/// Reads messages until one satisfies `predicate`.
@MainActor func readUntil(_ predicate: ([String: Any]) -> Bool) -> Bool {
    let handle = output.fileHandleForReading
    while true {
        while let range = buffer.range(of: Data("\r\n\r\n".utf8)) {
            let header = String(decoding: buffer[buffer.startIndex..<range.lowerBound], as: UTF8.self)
            guard let length = Int(header.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") else { return false }
            let start = range.upperBound
            guard buffer.count - (start - buffer.startIndex) >= length else { break }
            let body = buffer[start..<(start + length)]
            buffer = Data(buffer[(start + length)...])
            if let message = try? JSONSerialization.jsonObject(with: body) as? [String: Any], predicate(message) { return true }
        }
        let data = handle.availableData
        if data.isEmpty { return false }
        buffer.append(data)
    }
}

let target = root.appendingPathComponent("file100.alloy")
let uri = "file://" + target.path
let original = (try? String(contentsOf: target, encoding: .utf8)) ?? ""
send(["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["rootUri": "file://" + root.path, "capabilities": [:] as [String: Any]]])
_ = readUntil { ($0["id"] as? Int) == 1 }
send(["jsonrpc": "2.0", "method": "initialized", "params": [:] as [String: Any]])
send(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": ["uri": uri, "languageId": "alloy", "version": 1, "text": original]]])

// Line 19 (0-based) holds `text: "{{event.name}} …`; each change breaks or mends one field name.
let lines = original.components(separatedBy: "\n")
let line = lines.firstIndex { $0.contains("{{event.name}} ({{event.email}})") } ?? 19
let column = (lines[line] as NSString).range(of: "event.name").location + 6
var latencies: [Double] = []
for change in 0..<changes {
    let broken = change % 2 == 0
    let text = broken ? "nam" : "name"
    let length = broken ? 4 : 3
    let started = Date()
    send(["jsonrpc": "2.0", "method": "textDocument/didChange", "params": [
        "textDocument": ["uri": uri, "version": change + 2],
        "contentChanges": [["range": ["start": ["line": line, "character": column], "end": ["line": line, "character": column + length]], "text": text]],
    ] as [String: Any]])
    guard readUntil({ ($0["method"] as? String) == "textDocument/publishDiagnostics" && (($0["params"] as? [String: Any])?["uri"] as? String) == uri }) else { break }
    latencies.append(Date().timeIntervalSince(started) * 1000)
}
send(["jsonrpc": "2.0", "id": 2, "method": "shutdown"])
_ = readUntil { ($0["id"] as? Int) == 2 }
send(["jsonrpc": "2.0", "method": "exit"])
process.waitUntilExit()

let sorted = latencies.sorted()
func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
print("project: \(fileCount) files, \(totalLines) lines; \(latencies.count) one-line changes in \(target.lastPathComponent)")
print(String(format: "diagnostics after a change: p50 %.1f ms, p95 %.1f ms, max %.1f ms", percentile(0.5), percentile(0.95), sorted.last ?? 0))
