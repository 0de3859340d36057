import AlloyCLICore
import AlloyCore
import AlloyRuntime
import Foundation

/// `alloy replay PLAN EVENTS.ndjson`: runs a stream of events in constant memory, with a
/// progress line on a terminal and a summary at the end.
enum ReplayCommand {
    static let help = """
    USAGE: alloy replay PLAN EVENTS.ndjson [--event NAME --user ID] [--dry-run] [--users USERS.json] [--base CONNECTOR=URL]…

    Runs a stream of events through a plan, one JSON document a line: envelopes
    {"event": NAME, "userId": ID, "data": {…}}, or bare data with --event and --user.
    This is how a changed workflow is tried on real past events before it is published.
    With --dry-run nothing is called and each step that would run is printed as one
    JSON object a line: {"line", "workflow", "step", "call", "input"}.
    EVENTS may be '-' for standard input. Memory stays constant whatever the input size.

    OPTIONS:
      --event NAME             Treat each line as bare data for this event
      --user ID                The end user of bare-data lines
      --dry-run                Call nothing; print the steps that would run
      --quiet                  Do not print the steps of a dry run, only the summary
    \(RuntimeOptions.help)
      -h, --help               Show this help

    Exit codes: 0 every event accepted and every step succeeded, 1 some event was
    rejected or some step failed, 2 the command could not run.

    """

    static func run(_ arguments: [String], io: CommandIO) throws -> Int32 {
        let options = RuntimeOptions.declared.merging(["--event": true, "--user": true, "--dry-run": false, "--quiet": false]) { $1 }
        let parsed = try Arguments(arguments, command: "alloy replay", options: options)
        if parsed.wantsHelp { io.writeOutput(help); return ExitCode.success }
        guard parsed.positionals.count == 2 else {
            throw UsageError("replay takes a plan and an events file", hint: "as in: alloy replay tickets.plan.json events.ndjson --dry-run")
        }
        let plan = try loadPlan(parsed.positionals[0], io: io)
        let runtime = try RuntimeOptions(parsed, io: io)
        try runtime.validate(against: plan)
        let bareEvent = try parsed.value("--event")
        let bareUser = try parsed.value("--user")
        if (bareEvent == nil) != (bareUser == nil) { throw UsageError("--event and --user go together: both name what each bare-data line is") }
        if let bareEvent, plan.events[bareEvent] == nil {
            throw UsageError("the plan has no event \"\(bareEvent)\"", hint: "the plan accepts: \(plan.eventNames.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        let dryRun = parsed.flags.contains("--dry-run")
        let printSteps = dryRun && !parsed.flags.contains("--quiet")

        let path = parsed.positionals[1]
        var reader: LineReader
        var fd: Int32 = -1
        if path == "-", let standardInput = io.standardInputDescriptor {
            reader = LineReader(fd: standardInput)
        } else if path == "-" {
            reader = LineReader(bytes: try io.readStandardInput())
        } else {
            fd = open(io.absolutePath(path), O_RDONLY)
            guard fd >= 0 else { throw UsageError("cannot read the events file \(path)") }
            reader = LineReader(fd: fd)
        }
        defer { if fd >= 0 { close(fd) } }

        let runner = Runner(plan: plan, executor: runtime.executor(dryRun: dryRun))
        var summary = ReplaySummary()
        let started = Date()
        var lastProgress = started
        var lineNumber = 0
        var output = OutputBuffer(io: io)
        // The fused fast path in a dry run, for the events whose workflows it can compile:
        // bare data for one event, or envelopes naming any.
        let fast = dryRun && bareEvent != nil ? bareEvent.flatMap { FastEventProgram.compile(plan, event: $0) } : nil
        var programs: [String: FastEventProgram] = [:]
        if dryRun && bareEvent == nil {
            for name in plan.eventNames { programs[name] = FastEventProgram.compile(plan, event: name) }
        }
        let envelopeShapes = programs.mapValues(\.shape)
        let userJSON = JSONValue.string(bareUser ?? "").serializedBytes()
        let slotCount = max(fast?.shape.slotCount ?? 1, programs.values.map(\.shape.slotCount).max() ?? 1, 1)
        let slots = UnsafeMutableBufferPointer<EventShape.Slot>.allocate(capacity: slotCount)
        let scratch = UnsafeMutableBufferPointer<Int>.allocate(capacity: EventShape.scratchSize)
        defer { slots.deallocate(); scratch.deallocate() }
        while let line = reader.next() {
            lineNumber += 1
            guard case .text(let bytes) = line else {
                summary.events += 1
                summary.reject("line longer than \(reader.maxLine / 1024 / 1024) MiB", line: lineNumber, io: io)
                continue
            }
            if fast != nil || !programs.isEmpty {
                let currentLine = lineNumber
                // Bare data for one event, or an envelope naming any: nil sends the line the general way.
                let steps = bytes.withUnsafeBufferPointer { buffer -> Int? in
                    guard let base = buffer.baseAddress else { return nil }
                    let program: FastEventProgram, data: UnsafePointer<UInt8>, user: [UInt8]
                    if let fast {
                        guard fast.shape.scan(buffer, into: slots, scratch: scratch) else { return nil }
                        (program, data, user) = (fast, base, userJSON)
                    } else {
                        guard let found = EnvelopeReader.locate(buffer, shapes: envelopeShapes, slots: slots, scratch: scratch),
                              let named = programs[found.event] else { return nil }
                        (program, data, user) = (named, base + found.data.lowerBound, printSteps ? JSONValue.string(found.userId).serializedBytes() : [])
                    }
                    guard printSteps else { return program.stepCount }
                    guard let written = program.write(line: currentLine, base: data, slots: slots, user: user,
                                                      into: output.free, capacity: output.room) else { return nil }
                    output.count += written
                    return program.stepCount
                }
                if let steps {
                    summary.events += 1
                    summary.accepted += 1
                    summary.steps += steps
                    output.flushIfFull()
                    if io.errorIsTerminal, lineNumber & 0xFFFF == 0 { progress(&lastProgress, started, summary, io) }
                    continue
                }
            }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            summary.events += 1
            let document: JSONValue
            do { document = try JSONReader.parse(Array(bytes)) } catch {
                summary.reject("malformed JSON", line: lineNumber, detail: "\(error)", io: io)
                continue
            }
            let name: String, user: String, data: JSONValue
            if let bareEvent, let bareUser {
                (name, user, data) = (bareEvent, bareUser, document)
            } else {
                guard let event = document["event"]?.stringValue, let userId = document["userId"]?.stringValue, let payload = document["data"] else {
                    summary.reject("not an envelope {\"event\", \"userId\", \"data\"}", line: lineNumber, io: io)
                    continue
                }
                (name, user, data) = (event, userId, payload)
            }
            let currentLine = lineNumber
            do {
                let result = try runner.run(event: name, userId: user, data: data) { record in
                    if printSteps {
                        output.append(JSONValue.object([
                            ("line", .int(Int64(currentLine))), ("workflow", .string(record.workflow)), ("step", .string(record.step)),
                            ("call", .string(record.call)), ("input", record.input),
                        ]).serialized())
                    }
                }
                summary.accepted += 1
                summary.steps += result.stepCount
                for workflow in result.workflows where !workflow.succeeded {
                    summary.failures += 1
                    if summary.failures <= 10 { io.writeError("line \(lineNumber): \(workflow.error ?? "workflow failed")\n") }
                }
            } catch {
                switch error {
                case .unknownEvent(let event, _):
                    summary.reject("unknown event \"\(event)\"", line: lineNumber, io: io)
                case .invalidData(let problems):
                    // Each problem counts under its own reason, so the summary shows which fields break.
                    let reasons = problems.map { "\($0.pointer.isEmpty ? "/" : $0.pointer): \($0.actual == "missing" ? "required field is missing" : "expected \($0.expected)")" }
                    summary.reject(reasons, line: lineNumber, detail: problems.map(\.description).joined(separator: "; "), io: io)
                }
            }
            if io.errorIsTerminal, lineNumber % 1024 == 0 { progress(&lastProgress, started, summary, io) }
        }
        output.flush()
        output.release()
        if let failure = reader.failure { throw UsageError("cannot read the events: \(failure)") }
        if io.errorIsTerminal { io.writeError("\r\u{1B}[K") }
        io.writeError(summary.report(seconds: Date().timeIntervalSince(started), dryRun: dryRun))
        return summary.rejected == 0 && summary.failures == 0 ? ExitCode.success : ExitCode.inputErrors
    }

    /// Redraws the progress line on a terminal, at most five times a second.
    static func progress(_ last: inout Date, _ started: Date, _ summary: ReplaySummary, _ io: CommandIO) {
        let now = Date()
        guard now.timeIntervalSince(last) > 0.2 else { return }
        last = now
        io.writeError("\r\u{1B}[Kreplaying… \(summary.events) events, \(Int(Double(summary.events) / now.timeIntervalSince(started))) events/s")
    }
}

/// Batches output into large writes of bytes, in one buffer allocated once.
struct OutputBuffer {
    static let capacity = 1 << 20
    let io: CommandIO
    let storage: UnsafeMutablePointer<UInt8>
    var count = 0

    init(io: CommandIO) {
        self.io = io
        storage = UnsafeMutablePointer<UInt8>.allocate(capacity: OutputBuffer.capacity)
    }

    /// Where the next bytes go, and how many fit.
    var free: UnsafeMutablePointer<UInt8> { storage + count }
    var room: Int { OutputBuffer.capacity - count }

    mutating func append(_ line: String) {
        var text = line
        text += "\n"
        text.withUTF8 { bytes in
            if bytes.count > room { flush() }
            guard let source = bytes.baseAddress else { return }
            if bytes.count > room {
                io.writeOutputBytes(Array(bytes))
                return
            }
            (storage + count).update(from: source, count: bytes.count)
            count += bytes.count
        }
        flushIfFull()
    }

    /// Keeps at least half the buffer free for the next event.
    @inline(__always) mutating func flushIfFull() {
        if count > OutputBuffer.capacity / 2 { flush() }
    }

    mutating func flush() {
        if count > 0 { io.writeOutputBytes(Array(UnsafeBufferPointer(start: storage, count: count))); count = 0 }
    }

    func release() { storage.deallocate() }
}

/// Counts for the summary of a replay.
struct ReplaySummary {
    var events = 0
    var accepted = 0
    var rejected = 0
    var steps = 0
    var failures = 0
    var reasons: [String: Int] = [:]

    mutating func reject(_ reason: String, line: Int, detail: String? = nil, io: CommandIO) {
        reject([reason], line: line, detail: detail, io: io)
    }

    mutating func reject(_ reasons: [String], line: Int, detail: String? = nil, io: CommandIO) {
        rejected += 1
        for reason in reasons { self.reasons[reason, default: 0] += 1 }
        let reason = reasons.joined(separator: "; ")
        if rejected <= 10 { io.writeError("line \(line): rejected: \(detail ?? reason)\n") }
        if rejected == 11 { io.writeError("(further rejections are only counted)\n") }
    }

    func report(seconds: Double, dryRun: Bool) -> String {
        let rate = seconds > 0 ? Int(Double(events) / seconds) : events
        var out = "replayed \(events) event\(events == 1 ? "" : "s") in \(String(format: "%.2f", seconds)) s (\(rate) events/s)\n"
        out += "  accepted  \(accepted)\n"
        out += "  rejected  \(rejected)\(reasons.isEmpty ? "" : ", by reason (an event may have several):")\n"
        for (reason, count) in reasons.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(20) {
            out += "    \(count)\t\(reason)\n"
        }
        if reasons.count > 20 { out += "    … and \(reasons.count - 20) more reasons\n" }
        out += "  steps     \(steps)\(dryRun ? " (dry run: nothing was called)" : "")\n"
        out += "  failed    \(failures) workflow run\(failures == 1 ? "" : "s")\n"
        return out
    }
}
