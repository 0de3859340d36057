import Foundation

// alloyc-bench: generates a large .alloy project (default 100,000 lines: about 1,000
// workflows over 200 events), then times `alloyc check` on it as a whole process against
// `jq . PLAN.json` on the plan it compiles to, in the same run. Prints figures; never fails
// on timing. Build in release mode: `swift run -c release alloyc-bench`.

struct Options {
    var lines = 100_000
    var runs = 5
    var output: String?
}

func parseOptions() -> Options? {
    var options = Options()
    var arguments = Array(CommandLine.arguments.dropFirst())
    while !arguments.isEmpty {
        let flag = arguments.removeFirst()
        switch flag {
        case "--lines": guard let value = arguments.first.flatMap(Int.init), value > 0 else { return nil }; options.lines = value; arguments.removeFirst()
        case "--runs": guard let value = arguments.first.flatMap(Int.init), value > 0 else { return nil }; options.runs = value; arguments.removeFirst()
        case "--output": guard let value = arguments.first else { return nil }; options.output = value; arguments.removeFirst()
        default: return nil
        }
    }
    return options
}

/// Writes the generated project; returns its line count.
func generate(lines target: Int, into directory: URL) throws -> Int {
    try? FileManager.default.removeItem(at: directory)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let eventCount = max(1, target / 500)
    var total = 0
    // Types and events: one file per 20 events.
    var eventsText = ""
    var fileIndex = 0
    func flush(_ text: inout String, _ prefix: String) throws {
        guard !text.isEmpty else { return }
        try Data(text.utf8).write(to: directory.appendingPathComponent("\(prefix)\(fileIndex).alloy"))
        total += text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        fileIndex += 1
        text = ""
    }
    eventsText += """
    connector crm {
      base "https://crm.example.com/api"
      auth header "X-Api-Key"
      /// Updates a contact.
      action updateContact = PATCH "/contacts/{{input.id}}" {
        input { id: String, email: Email, plan: String, score: Int, tags: [String] }
        output { ok: Bool, id: String? }
      }
      action getContact = GET "/contacts/{{input.id}}" {
        input { id: String }
        output { id: String, email: Email, owner: String? }
      }
    }

    """
    for event in 0..<eventCount {
        eventsText += """
        /// Account \(event) changed.
        type Account\(event) = {
          id: String
          plan: "free" | "pro" | "enterprise"
          seats: Int
          owner: String?
        }

        /// Sent when record \(event) changes.
        event "Record \(event) Changed" {
          schema {
            id: String
            email: Email
            name: String
            score: Int
            ratio: Number
            tags: [String]
            note: String?
            account: Account\(event)
            createdAt: DateTime
          }
          sample {
            id: "r\(event)"
            email: "user\(event)@example.com"
            name: "Record \(event)"
            score: \(event % 100)
            ratio: 0.5
            tags: ["a", "b"]
            account: { id: "a\(event)", plan: "pro", seats: 3 }
            createdAt: "2025-01-02T03:04:05Z"
          }
        }

        """
        if event % 20 == 19 { try flush(&eventsText, "events") }
    }
    try flush(&eventsText, "events")
    var workflow = 0
    var workflowsText = ""
    while total + workflowsText.split(separator: "\n").count < target {
        let event = workflow % eventCount
        workflowsText += """
        workflow "Sync \(workflow)" {
          on "Record \(event) Changed"

          step fetch = crm.getContact { id: event.id }
          step post = slack.postMessage {
            channel: event.score >= 50 ? "#hot" : "#leads"
            text: "{{event.name}} ({{event.email}}) scored {{event.score}}: {{event.note ?? "no note"}}; owner {{steps.fetch.owner ?? "nobody"}}"
          }
          if event.account.plan == "enterprise" && event.account.seats > 10 {
            step escalate = slack.postMessage {
              channel: "#enterprise"
              text: upper(event.name) + " has " + string(event.account.seats) + " seats"
              thread_ts: steps.post.ts
            }
          } else if event.account.owner != null {
            step assign = crm.updateContact {
              id: event.account.id
              email: event.email
              plan: event.account.plan
              score: event.score * 2 + len(event.tags)
              tags: event.tags
            }
          }
          for tag in event.tags {
            step tagged = slack.postMessage { channel: "#tag-{{lower(tag)}}", text: "{{event.name}} tagged {{tag}}" }
          }
          step summary = http.post {
            url: "https://hooks.example.com/records/{{event.id}}"
            body: { id: event.id, tags: join(event.tags, ","), escalated: steps.escalate != null, posts: len(steps.tagged) }
          }
        }


        """
        workflow += 1
        if workflow % 25 == 0 { try flush(&workflowsText, "workflows") }
    }
    try flush(&workflowsText, "workflows")
    return total
}

func time(_ executable: String, _ arguments: [String], in directory: URL, output: URL? = nil) throws -> (seconds: Double, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = output.map { try? FileHandle(forWritingTo: $0) } ?? FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let start = Date()
    try process.run()
    process.waitUntilExit()
    return (Date().timeIntervalSince(start), process.terminationStatus)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func childPeakRSS() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
    return usage.ru_maxrss // kilobytes on Linux
}

guard let options = parseOptions() else {
    FileHandle.standardError.write(Data("usage: alloyc-bench [--lines N] [--runs N] [--output DIR]\n".utf8))
    exit(2)
}
let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let alloyc = here.appendingPathComponent("alloyc").path
guard FileManager.default.isExecutableFile(atPath: alloyc) else {
    FileHandle.standardError.write(Data("alloyc-bench: build alloyc first (swift build -c release)\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: options.output ?? NSTemporaryDirectory() + "alloyc-bench")
let project = directory.appendingPathComponent("project")
do {
    let lines = try generate(lines: options.lines, into: project)
    let bytes = try FileManager.default.subpathsOfDirectory(atPath: project.path).reduce(0) { sum, name in
        sum + ((try? FileManager.default.attributesOfItem(atPath: project.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
    }
    print("generated \(lines) lines (\(bytes / 1024) KiB) in \(project.path)")
    var checkTimes: [Double] = []
    for _ in 0..<options.runs {
        let check = try time(alloyc, ["check", project.path], in: directory)
        guard check.status == 0 else { print("check failed with status \(check.status)"); exit(1) }
        checkTimes.append(check.seconds)
    }
    // Only check has run so far, so the children's peak is check's own.
    let checkRSS = childPeakRSS()
    let plan = directory.appendingPathComponent("plan.json")
    let compile = try time(alloyc, ["compile", project.path, "-o", plan.path], in: directory)
    guard compile.status == 0 else { print("compile failed with status \(compile.status)"); exit(1) }
    let planSize = (try? FileManager.default.attributesOfItem(atPath: plan.path)[.size] as? Int) ?? 0
    var jqTimes: [Double] = []
    let jq = ["/usr/bin/jq", "/usr/local/bin/jq"].first { FileManager.default.isExecutableFile(atPath: $0) }
    for _ in 0..<options.runs {
        if let jq { jqTimes.append(try time(jq, [".", plan.path], in: directory).seconds) }
    }
    let checkMedian = median(checkTimes)
    print(String(format: "alloyc check: median %.3f s over %d runs, %.0f lines/s, %.1f MB/s", checkMedian, options.runs, Double(lines) / checkMedian, Double(bytes) / checkMedian / 1e6))
    if !jqTimes.isEmpty {
        let jqMedian = median(jqTimes)
        print(String(format: "jq . plan.json (%d KiB): median %.3f s; alloyc check / jq = %.2f (below 1 means check is faster)", planSize / 1024, jqMedian, checkMedian / jqMedian))
    } else {
        print("jq not found: no ratio")
    }
    print("peak RSS of alloyc check: \(checkRSS / 1024) MB")
    print(String(format: "alloyc compile: %.3f s, plan %d KiB", compile.seconds, planSize / 1024))
} catch {
    FileHandle.standardError.write(Data("alloyc-bench: \(error)\n".utf8))
    exit(2)
}
