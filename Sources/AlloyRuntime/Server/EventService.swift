import AlloyCore
import Dispatch
import Foundation

/// The application behind `alloy serve`: accepts events over HTTP, journals them, runs them
/// on a pool of workers, and answers questions about runs.
///
/// Routes: `POST /run/event`, `GET /runs/ID`, `GET /healthz`.
public final class EventService: @unchecked Sendable {
    /// The state of one run, as `GET /runs/ID` reports it.
    final class RunState {
        let runId: String
        let event: String
        let userId: String
        let eventId: String?
        var status: String
        var result: RunResult?

        init(runId: String, event: String, userId: String, eventId: String?, status: String) {
            self.runId = runId
            self.event = event
            self.userId = userId
            self.eventId = eventId
            self.status = status
        }
    }

    /// Runs kept in memory for `GET /runs/ID`; the oldest finished ones are forgotten first.
    public static let maxRememberedRuns = 100_000
    /// Accepted runs waiting for a worker beyond this many make new submissions wait: the
    /// server answers 503 with Retry-After rather than queue without bound.
    public static let maxBacklog = 20_000
    private var backlog = 0

    private let runner: Runner
    private let journal: Journal?
    private let lock = NSCondition()
    /// Runs accepted but not yet durable; a duplicate submission waits for them.
    private var recording: Set<String> = []
    private var runs: [String: RunState] = [:]
    private var order: [String] = []
    private var orderHead = 0
    private var idempotency: [String: String] = [:]
    private let workers: WorkerPool
    private let finishing = DispatchQueue(label: "alloy.journal.finished")
    private let inFlight = DispatchGroup()

    /// Each event's schema compiled for the fused reader.
    private let shapes: [String: EventShape]

    public init(runner: Runner, journal: Journal?, workers: Int = 8) {
        self.runner = runner
        var shapes: [String: EventShape] = [:]
        for (name, event) in runner.plan.events { shapes[name] = EventShape(event.schema) }
        self.shapes = shapes
        self.journal = journal
        self.workers = WorkerPool(threads: workers, name: "alloy-run")
    }

    /// Restores runs from journal records and resumes every run that had not finished.
    /// Returns how many runs were resumed.
    @discardableResult
    public func recover(_ records: [Journal.Record]) -> Int {
        var unfinished: [String] = []
        lock.lock()
        var accepted: [String: (String, String, String?, JSONValue)] = [:]
        for record in records {
            switch record {
            case .accepted(let runId, let event, let userId, let eventId, let data):
                accepted[runId] = (event, userId, eventId, data)
                remember(RunState(runId: runId, event: event, userId: userId, eventId: eventId, status: "queued"))
                if let eventId { idempotency[EventService.key(userId, eventId)] = runId }
                unfinished.append(runId)
            case .finished(let runId, let status):
                runs[runId]?.status = status
                unfinished.removeAll { $0 == runId }
            }
        }
        lock.unlock()
        for runId in unfinished {
            // The plan may have changed since these were accepted: they are validated again.
            if let (event, userId, _, data) = accepted[runId] { schedule(runId: runId, event: event, userId: userId, data: .parsed(data), validated: false) }
        }
        return unfinished.count
    }

    /// Waits until every scheduled run has finished (for tests and graceful shutdown).
    public func waitUntilIdle(timeout: Double = 30) -> Bool {
        inFlight.wait(timeout: .now() + timeout) == .success
    }

    static func key(_ userId: String, _ eventId: String) -> String { userId + "\u{0}" + eventId }

    private func remember(_ state: RunState) {
        runs[state.runId] = state
        order.append(state.runId)
        // Forget the oldest finished runs first, a few at a time, so no request pays for a sweep.
        var budget = 4
        while runs.count > EventService.maxRememberedRuns, orderHead < order.count, budget > 0 {
            budget -= 1
            let runId = order[orderHead]
            orderHead += 1
            guard let run = runs[runId] else { continue }
            if run.status == "queued" || run.status == "running" {
                order.append(runId)
                continue
            }
            runs[runId] = nil
            if let eventId = run.eventId { idempotency[EventService.key(run.userId, eventId)] = nil }
        }
        if orderHead > 65_536 && orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
    }

    // MARK: Routing

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch request.path {
        case "/run/event":
            guard request.method == "POST" else { return methodNotAllowed("POST") }
            return submit(request.body)
        case "/healthz":
            guard request.method == "GET" || request.method == "HEAD" else { return methodNotAllowed("GET") }
            var members: [(String, JSONValue)] = [("status", .string("ok")), ("plan", .string(runner.plan.hash))]
            let waiting = lock.withLock { backlog }
            members.append(("backlog", .int(Int64(waiting))))
            if let journal {
                members.append(("journal", .object([("records", .int(Int64(journal.recordCount))), ("fsyncs", .int(Int64(journal.syncCount)))])))
            }
            return .json(200, JSONValue.object(members).serialized())
        default:
            if request.path.hasPrefix("/runs/") {
                guard request.method == "GET" else { return methodNotAllowed("GET") }
                return status(String(request.path.dropFirst("/runs/".count)))
            }
            return error(404, "no route for \(request.method) \(request.path): use POST /run/event, GET /runs/ID or GET /healthz")
        }
    }

    private func methodNotAllowed(_ allowed: String) -> HTTPResponse {
        .json(405, JSONValue.object([("error", .string("method not allowed: use \(allowed)"))]).serialized(), headers: [("Allow", allowed)])
    }

    private func error(_ status: Int, _ message: String, _ extra: [(String, JSONValue)] = []) -> HTTPResponse {
        .json(status, JSONValue.object([("error", .string(message))] + extra).serialized())
    }

    private func submit(_ body: [UInt8]) -> HTTPResponse {
        // The hot path: validate while reading, journal the bytes, and leave building the
        // JSON tree to the worker. Anything unusual takes the general path below.
        if let fast = EnvelopeReader.read(body, shapes: shapes) {
            return accept(event: fast.event, userId: fast.userId, eventId: fast.eventId, data: .raw(fast.data))
        }
        let envelope: JSONValue
        do { envelope = try JSONReader.parse(body) } catch {
            return self.error(400, "malformed JSON: \(error)")
        }
        guard case .object = envelope else { return error(400, "the body must be a JSON object {\"event\", \"userId\", \"data\"}") }
        var problems: [String] = []
        let event = envelope["event"]?.stringValue
        let userId = envelope["userId"]?.stringValue
        if event == nil { problems.append("\"event\" must be a string") }
        if userId == nil || userId?.isEmpty == true { problems.append("\"userId\" must be a non-empty string") }
        if envelope["data"] == nil { problems.append("\"data\" is required") }
        var eventId: String?
        if let raw = envelope["eventId"], raw != .null {
            if let text = raw.stringValue, !text.isEmpty { eventId = text } else { problems.append("\"eventId\" must be a non-empty string") }
        }
        guard problems.isEmpty, let event, let userId, let data = envelope["data"] else {
            return error(400, "invalid envelope: " + problems.joined(separator: "; "))
        }
        do {
            try runner.validate(event: event, data: data)
        } catch {
            switch error {
            case .unknownEvent:
                return self.error(404, error.description)
            case .invalidData(let list):
                return self.error(400, "the event data does not match the schema of \"\(event)\"", [("problems", .array(list.map { problem in
                    .object([("pointer", .string(problem.pointer)), ("expected", .string(problem.expected)),
                             ("actual", .string(problem.actual)), ("message", .string(problem.description))])
                }))])
            }
        }
        return accept(event: event, userId: userId, eventId: eventId, data: .parsed(data))
    }

    /// Event data as received: compact bytes from the fused reader, or an already parsed tree.
    enum Payload {
        case raw([UInt8])
        case parsed(JSONValue)

        var value: JSONValue? {
            switch self {
            case .parsed(let value): return value
            case .raw(let bytes): return try? JSONReader.parse(bytes)
            }
        }
    }

    /// Records a valid event (idempotently, durably with a journal) and schedules its run.
    private func accept(event: String, userId: String, eventId: String?, data: Payload) -> HTTPResponse {
        lock.lock()
        if backlog >= EventService.maxBacklog {
            lock.unlock()
            return .json(503, JSONValue.object([("error", .string("too many runs are waiting; try again shortly"))]).serialized(), headers: [("Retry-After", "1")])
        }
        if let eventId {
            let key = EventService.key(userId, eventId)
            // A duplicate is answered only once the original is durable (or has failed to be).
            while let existing = idempotency[key], recording.contains(existing) { lock.wait() }
            if let existing = idempotency[key] {
                lock.unlock()
                return accepted(existing, duplicate: true)
            }
        }
        let runId = "run_" + UUID().uuidString.lowercased().replacing("-", with: "")
        // Reserve the idempotency key before journaling so a concurrent duplicate waits for this one.
        if let eventId { idempotency[EventService.key(userId, eventId)] = runId }
        remember(RunState(runId: runId, event: event, userId: userId, eventId: eventId, status: "queued"))
        if journal != nil { recording.insert(runId) }
        lock.unlock()
        if let journal {
            do {
                switch data {
                case .raw(let bytes): try journal.appendAccepted(runId: runId, event: event, userId: userId, eventId: eventId, data: bytes)
                case .parsed(let value): try journal.append(.accepted(runId: runId, event: event, userId: userId, eventId: eventId, data: value))
                }
                lock.withLock { recording.remove(runId); lock.broadcast() }
            } catch {
                lock.withLock {
                    runs[runId] = nil
                    if let eventId { idempotency[EventService.key(userId, eventId)] = nil }
                    recording.remove(runId)
                    lock.broadcast()
                }
                return self.error(503, "the event could not be recorded durably: \(error.message)")
            }
        }
        schedule(runId: runId, event: event, userId: userId, data: data, validated: true)
        return accepted(runId, duplicate: false)
    }

    private func accepted(_ runId: String, duplicate: Bool) -> HTTPResponse {
        var members: [(String, JSONValue)] = [("runId", .string(runId)), ("status", .string("accepted"))]
        if duplicate { members.append(("duplicate", .bool(true))) }
        return .json(202, JSONValue.object(members).serialized(), headers: [("Location", "/runs/\(runId)")])
    }

    private func schedule(runId: String, event: String, userId: String, data: Payload, validated: Bool) {
        inFlight.enter()
        lock.withLock { backlog += 1 }
        workers.submit { [self] in
            defer { inFlight.leave() }
            lock.withLock {
                backlog -= 1
                runs[runId]?.status = "running"
            }
            // A resumed run whose data no longer matches a changed plan is rejected, not run.
            let result = data.value.flatMap { value in
                validated ? runner.runValidated(event: event, userId: userId, data: value) : try? runner.run(event: event, userId: userId, data: value)
            }
            let status = result.map { $0.succeeded ? "succeeded" : "failed" } ?? "rejected"
            lock.withLock {
                runs[runId]?.status = status
                runs[runId]?.result = result
            }
            // A finished record need not hold the worker: if it is lost in a crash, the run
            // simply runs again on restart (steps run at least once).
            if let journal { finishing.async { try? journal.append(.finished(runId: runId, status: status)) } }
        }
    }

    private func status(_ runId: String) -> HTTPResponse {
        lock.lock()
        guard let run = runs[runId] else {
            lock.unlock()
            return error(404, "no run \(runId)")
        }
        var members: [(String, JSONValue)] = [
            ("runId", .string(run.runId)), ("event", .string(run.event)), ("userId", .string(run.userId)),
        ]
        if let eventId = run.eventId { members.append(("eventId", .string(eventId))) }
        members.append(("status", .string(run.status)))
        if let result = run.result { members.append(("workflows", .array(result.workflows.map(\.json)))) }
        lock.unlock()
        return .json(200, JSONValue.object(members).serialized())
    }
}
