import AlloyCLICore
import AlloyCore
import AlloyRuntime
import Dispatch
import Foundation

/// `alloy serve PLAN`: the HTTP front door for events.
enum ServeCommand {
    static let help = """
    USAGE: alloy serve PLAN [--port 8080] [--host 127.0.0.1] [--users USERS.json] [--journal DIR] [--base CONNECTOR=URL]…

    Serves POST /run/event with {"event", "userId", "data", "eventId"?}:
      202 {"runId"} once the event is accepted (validated and, with --journal, fsynced),
      400 with every validation problem or for malformed JSON, 404 for an unknown event,
      405 for a wrong method, 413 for a body over the limit.
    GET /runs/ID reports a run's status and per-step results; GET /healthz says it is up.
    An eventId makes a submission idempotent for that user. Calls that may succeed later
    (429, 5xx, timeouts) are retried with backoff and jitter, honouring Retry-After.

    OPTIONS:
      --port PORT              Port to listen on (default 8080; 0 picks a free port)
      --host HOST              Address to bind (default 127.0.0.1)
      --journal DIR            Record accepted events durably in DIR; unfinished runs resume on restart
      --workers N              Runs executed at once (default 8)
      --max-body BYTES         Largest request body accepted (default 1048576)
      --dry-run                Accept, validate and journal events and record the steps that would run, calling nothing
    \(RuntimeOptions.help)
      -h, --help               Show this help

    The server prints 'listening on http://HOST:PORT' when it is ready, and stops on
    SIGINT or SIGTERM. Exit codes: 0 stopped cleanly, 2 the server could not start.

    """

    static func run(_ arguments: [String], io: CommandIO) throws -> Int32 {
        let options = RuntimeOptions.declared.merging(["--port": true, "--host": true, "--journal": true, "--workers": true, "--max-body": true, "--dry-run": false]) { $1 }
        let parsed = try Arguments(arguments, command: "alloy serve", options: options)
        if parsed.wantsHelp { io.writeOutput(help); return ExitCode.success }
        guard parsed.positionals.count == 1, let path = parsed.positionals.first else {
            throw UsageError("serve takes one plan", hint: "as in: alloy serve tickets.plan.json --users users.json")
        }
        let plan = try loadPlan(path, io: io)
        let runtime = try RuntimeOptions(parsed, io: io)
        try runtime.validate(against: plan)
        let port = try parsed.value("--port").map { raw -> Int in
            guard let value = Int(raw), (0...65535).contains(value) else { throw UsageError("--port needs a number from 0 to 65535, got '\(raw)'") }
            return value
        } ?? 8080
        let host = try parsed.value("--host") ?? "127.0.0.1"
        let workers = try parsed.value("--workers").map { raw -> Int in
            guard let value = Int(raw), (1...256).contains(value) else { throw UsageError("--workers needs a number from 1 to 256, got '\(raw)'") }
            return value
        } ?? 8
        let maxBody = try parsed.value("--max-body").map { raw -> Int in
            guard let value = Int(raw), value >= 1024, value <= 64 << 20 else { throw UsageError("--max-body needs a number of bytes from 1024 to 67108864, got '\(raw)'") }
            return value
        } ?? 1 << 20

        var journal: Journal?
        var records: [Journal.Record] = []
        if let directory = try parsed.value("--journal") {
            do {
                (journal, records) = try Journal.open(directory: io.absolutePath(directory))
            } catch {
                throw UsageError(error.message)
            }
        }
        let service = EventService(runner: Runner(plan: plan, executor: runtime.executor(dryRun: parsed.flags.contains("--dry-run"))), journal: journal, workers: workers)
        let resumed = service.recover(records)
        let server = HTTPServer(maxBodySize: maxBody) { service.handle($0) }
        do {
            try server.start(host: host, port: port)
        } catch {
            throw UsageError(error.description)
        }
        if resumed > 0 { io.writeError("resuming \(resumed) unfinished run\(resumed == 1 ? "" : "s") from the journal\n") }
        io.writeOutput("listening on http://\(host):\(server.port)\n")

        let stop = DispatchSemaphore(value: 0)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        io.writeError("stopping: no new events are accepted\n")
        server.stop()
        if !service.waitUntilIdle(timeout: 10) {
            io.writeError("stopped with runs still in progress\(journal == nil ? "" : "; they resume from the journal on the next start")\n")
        }
        sources.forEach { $0.cancel() }
        return ExitCode.success
    }
}
