import AlloyCLICore
import AlloyCore
import AlloyRuntime

/// `alloy run PLAN --event NAME …`, and the shared body of `alloyc run`.
public enum RunCommand {
    /// The options of `run`, beyond the plan or the source paths.
    public static let options: [String: Bool] = RuntimeOptions.declared.merging([
        "--event": true, "--user": true, "--data": true, "--data-file": true, "--sample": false,
        "--dry-run": false, "--format": true,
    ]) { $1 }

    public static let optionsHelp = """
      --event NAME             The event to send (required)
      --user ID                The end user it is for (default: anonymous); their credentials are used
      --data JSON              The event data as JSON
      --data-file FILE         The event data from a file ('-' for standard input)
      --sample                 The event's first sample from the plan
      --dry-run                Call nothing: print each step that would run, one JSON object a line
                               (with --format json, the result document lists them instead)
      --format human|json      How to print the result (default human)
    \(RuntimeOptions.help)
      -h, --help               Show this help
    """

    static let help = """
    USAGE: alloy run PLAN --event NAME [--user ID] (--data JSON | --data-file F | --sample) [--dry-run]
                     [--users USERS.json] [--base CONNECTOR=URL]… [--format human|json]

    Runs one event through a compiled plan: validates the data against the event's
    schema, then runs every workflow the event triggers, calling each step's action
    over HTTP with the user's credentials.

    OPTIONS:
    \(optionsHelp)

    Exit codes: 0 every step succeeded, 1 the event was rejected or a step failed, 2 the command could not run.

    """

    enum Format: String, CaseIterable { case human, json }

    static func run(_ arguments: [String], io: CommandIO, program: String) throws -> Int32 {
        let parsed = try Arguments(arguments, command: program, options: options)
        if parsed.wantsHelp { io.writeOutput(help); return ExitCode.success }
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError(parsed.positionals.isEmpty ? "name the plan to run" : "run takes one plan", hint: "as in: alloy run tickets.plan.json --event \"Ticket Created\" --sample --dry-run")
        }
        let plan = try loadPlan(path, io: io)
        return try execute(plan, parsed, io: io)
    }

    /// Runs one event through a loaded plan, as `alloy run` and `alloyc run` do.
    public static func execute(_ plan: LoadedPlan, _ parsed: Arguments, io: CommandIO) throws -> Int32 {
        let format = try parsed.choice("--format", default: Format.human, Format.allCases)
        guard let eventName = try parsed.value("--event") else {
            throw UsageError("--event is required", hint: "the plan accepts: \(plan.eventNames.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        let userId = try parsed.value("--user") ?? "anonymous"
        let runtime = try RuntimeOptions(parsed, io: io)
        try runtime.validate(against: plan)
        let dryRun = parsed.flags.contains("--dry-run")

        let sources = [parsed.values["--data"] != nil, parsed.values["--data-file"] != nil, parsed.flags.contains("--sample")].filter { $0 }.count
        guard sources == 1 else {
            throw UsageError(sources == 0 ? "give the event data with --data, --data-file or --sample" : "give the event data only once: --data, --data-file or --sample")
        }
        let data: JSONValue
        if parsed.flags.contains("--sample") {
            guard let event = plan.events[eventName] else { return reject(.unknownEvent(eventName, known: plan.eventNames), eventName, format, io) }
            guard let sample = event.samples.first else {
                throw UsageError("event \"\(eventName)\" has no sample in the plan", hint: "add 'sample { … }' to the event, or pass --data")
            }
            data = sample
        } else {
            let bytes: [UInt8]
            let what: String
            if let text = try parsed.value("--data") { bytes = Array(text.utf8); what = "--data" } else {
                let file = try parsed.value("--data-file") ?? "-"
                bytes = try io.readFile(file, what: "the data file")
                what = file == "-" ? "standard input" : file
            }
            do {
                data = try JSONReader.parse(bytes)
            } catch {
                io.writeError("error: \(what) is not valid JSON: \(error)\n")
                return ExitCode.inputErrors
            }
        }

        let runner = Runner(plan: plan, executor: runtime.executor(dryRun: dryRun))
        let result: RunResult
        do {
            result = try runner.run(event: eventName, userId: userId, data: data) { record in
                if dryRun && format == .human {
                    io.writeOutput(JSONValue.object([
                        ("workflow", .string(record.workflow)), ("step", .string(record.step)),
                        ("call", .string(record.call)), ("input", record.input),
                    ]).serialized() + "\n")
                }
            }
        } catch {
            return reject(error, eventName, format, io)
        }
        if format == .json {
            io.writeOutput(result.json.serialized(pretty: true) + "\n")
        } else if !dryRun {
            io.writeOutput(humanReport(result))
        }
        if dryRun && format == .human {
            io.writeError("dry run: \(result.stepCount) step\(result.stepCount == 1 ? "" : "s") would run in \(result.workflows.count) workflow\(result.workflows.count == 1 ? "" : "s"); nothing was called\n")
        }
        return result.succeeded ? ExitCode.success : ExitCode.inputErrors
    }

    static func reject(_ rejection: EventRejection, _ event: String, _ format: Format, _ io: CommandIO) -> Int32 {
        if format == .json {
            var members: [(String, JSONValue)] = [("event", .string(event)), ("status", .string("rejected"))]
            switch rejection {
            case .unknownEvent:
                members.append(("error", .string(rejection.description)))
            case .invalidData(let problems):
                members.append(("problems", .array(problems.map { problem in
                    .object([("pointer", .string(problem.pointer)), ("expected", .string(problem.expected)),
                             ("actual", .string(problem.actual)), ("message", .string(problem.description))])
                })))
            }
            io.writeOutput(JSONValue.object(members).serialized(pretty: true) + "\n")
        } else {
            io.writeError("error: event rejected: \(rejection)\n")
        }
        return ExitCode.inputErrors
    }

    static func humanReport(_ result: RunResult) -> String {
        var out = ""
        if result.workflows.isEmpty {
            out += "no workflow is triggered by \"\(result.event)\"\n"
        }
        for workflow in result.workflows {
            out += "\(workflow.succeeded ? "✓" : "✗") workflow \"\(workflow.name)\"\n"
            for step in workflow.steps {
                if step.status == .succeeded {
                    out += "  ✓ \(step.step) (\(step.call))\(step.attempts > 1 ? " after \(step.attempts) attempts" : "")\n"
                } else {
                    out += "  ✗ \(step.step) (\(step.call)): \(step.error ?? "failed")\n"
                    if let source = step.source { out += "      at \(source)\n" }
                }
            }
            if let error = workflow.error, workflow.steps.last?.status != .failed {
                out += "  ✗ \(error)\n"
            }
        }
        let failed = result.workflows.filter { !$0.succeeded }.count
        out += "\(result.workflows.count) workflow\(result.workflows.count == 1 ? "" : "s"), \(result.stepCount) step\(result.stepCount == 1 ? "" : "s") run, \(failed) failed\n"
        return out
    }
}
