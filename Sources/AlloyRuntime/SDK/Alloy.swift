import AlloyCore
import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Errors of the Swift SDK. A rejected event carries every validation problem.
public enum AlloyError: Error, Sendable, CustomStringConvertible {
    /// `event` was called before `identify`.
    case notIdentified
    /// The plan has no such event.
    case unknownEvent(String)
    /// The data does not match the event's schema.
    case rejected([ValidationProblem])
    /// The data could not be turned into JSON (a value that is not a string, number, bool, null, array or dictionary).
    case unsupportedValue(String)
    /// The plan or users file could not be read.
    case configuration(String)
    /// The server answered with an unexpected status.
    case server(status: Int, message: String)
    /// The server could not be reached.
    case transport(String)

    public var description: String {
        switch self {
        case .notIdentified: return "call identify(userId) before sending events"
        case .unknownEvent(let name): return "unknown event \"\(name)\""
        case .rejected(let problems): return "the event was rejected: " + problems.map(\.description).joined(separator: "; ")
        case .unsupportedValue(let what): return "cannot send \(what) as JSON"
        case .configuration(let message): return message
        case .server(let status, let message): return "the server answered \(status): \(message)"
        case .transport(let message): return message
        }
    }
}

extension JSONValue {
    /// Converts Foundation-style values (`String`, numbers, `Bool`, `NSNull`, arrays,
    /// dictionaries) to JSON; dictionary keys are sorted so output is deterministic.
    public static func from(any value: Any?) throws(AlloyError) -> JSONValue {
        switch value {
        case nil, is NSNull: return .null
        case let value as JSONValue: return value
        case let value as String: return .string(value)
        case let value as Bool: return .bool(value)
        case let value as Int: return .int(Int64(value))
        case let value as Int64: return .int(value)
        case let value as Int32: return .int(Int64(value))
        case let value as Double:
            guard value.isFinite else { throw .unsupportedValue("a non-finite number") }
            return .number(value)
        case let value as Float: return .number(Double(value))
        case let value as [Any?]:
            var items: [JSONValue] = []
            for item in value { items.append(try from(any: item)) }
            return .array(items)
        case let value as [String: Any?]:
            var members: [(String, JSONValue)] = []
            for key in value.keys.sorted() { members.append((key, try from(any: value[key] ?? nil))) }
            return .object(members)
        default:
            throw .unsupportedValue("a value of type \(type(of: value as Any))")
        }
    }
}

/// The in-process SDK: runs events through a compiled plan in this process.
///
/// ```swift
/// let alloy = try Alloy(plan: URL(fileURLWithPath: "tickets.plan.json"), users: usersURL)
/// alloy.identify("gregg")
/// let run = try await alloy.event("Ticket Created", ["ticketName": "Alloy 123", …])
/// ```
public final class Alloy: @unchecked Sendable {
    private let runner: Runner
    private let lock = NSLock()
    private var userId: String?

    /// Loads a plan and, optionally, a users file. `base` overrides connectors' base URLs.
    public convenience init(plan: URL, users: URL? = nil, base: [String: String] = [:], retry: RetryPolicy = RetryPolicy()) throws(AlloyError) {
        guard let planData = FileManager.default.contents(atPath: plan.path) else {
            throw .configuration("cannot read the plan \(plan.path)")
        }
        let loaded: LoadedPlan
        do { loaded = try PlanLoader.load(Array(planData)) } catch { throw .configuration(error.message) }
        var credentials = Users.none
        if let users {
            guard let usersData = FileManager.default.contents(atPath: users.path) else { throw .configuration("cannot read the users file \(users.path)") }
            do { credentials = try Users(json: Array(usersData)) } catch { throw .configuration(error.message) }
        }
        self.init(plan: loaded, executor: HTTPExecutor(users: credentials, baseOverrides: base, retry: retry))
    }

    /// Uses a loaded plan and any executor (a `DryRunExecutor` calls nothing).
    public init(plan: LoadedPlan, executor: any ActionExecutor) {
        self.runner = Runner(plan: plan, executor: executor)
    }

    /// Sets the end user the following events are sent for.
    public func identify(_ userId: String) {
        lock.withLock { self.userId = userId }
    }

    /// Sends an event for the identified user and returns when every workflow has run.
    public func event(_ name: String, _ data: [String: Any]) async throws(AlloyError) -> RunResult {
        try await event(name, json: try JSONValue.from(any: data))
    }

    /// Sends an event whose data is already JSON.
    public func event(_ name: String, json data: JSONValue) async throws(AlloyError) -> RunResult {
        guard let userId = lock.withLock({ self.userId }) else { throw .notIdentified }
        let runner = self.runner
        let outcome: Result<RunResult, AlloyError> = await withCheckedContinuation { continuation in
            // Steps make blocking HTTP calls, so they run off the cooperative thread pool.
            DispatchQueue.global().async {
                let result: Result<RunResult, AlloyError>
                do throws(EventRejection) {
                    result = .success(try runner.run(event: name, userId: userId, data: data))
                } catch let rejection {
                    switch rejection {
                    case .unknownEvent(let event, known: _): result = .failure(.unknownEvent(event))
                    case .invalidData(let problems): result = .failure(.rejected(problems))
                    }
                }
                continuation.resume(returning: result)
            }
        }
        return try outcome.get()
    }
}

/// A submission accepted by `alloy serve`.
public struct AcceptedEvent: Sendable, Equatable {
    public var runId: String
    /// The same eventId was already accepted for this user; `runId` is the original run's.
    public var duplicate: Bool

    public init(runId: String, duplicate: Bool) {
        self.runId = runId
        self.duplicate = duplicate
    }
}

/// The SDK over HTTP: the same calls, sent to `alloy serve`.
public final class AlloyClient: @unchecked Sendable {
    private let baseURL: URL
    private let session: URLSession
    private let lock = NSLock()
    private var userId: String?

    public init(baseURL: URL, timeout: Double = 30) {
        self.baseURL = baseURL
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        self.session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sets the end user the following events are sent for.
    public func identify(_ userId: String) {
        lock.withLock { self.userId = userId }
    }

    /// Sends an event; returns once the server has accepted (validated and recorded) it.
    /// An `eventId` makes the submission idempotent for this user.
    public func event(_ name: String, _ data: [String: Any], eventId: String? = nil) async throws(AlloyError) -> AcceptedEvent {
        try await event(name, json: try JSONValue.from(any: data), eventId: eventId)
    }

    public func event(_ name: String, json data: JSONValue, eventId: String? = nil) async throws(AlloyError) -> AcceptedEvent {
        guard let userId = lock.withLock({ self.userId }) else { throw .notIdentified }
        var members: [(String, JSONValue)] = [("event", .string(name)), ("userId", .string(userId)), ("data", data)]
        if let eventId { members.append(("eventId", .string(eventId))) }
        let (status, body) = try await send("POST", "run/event", body: JSONValue.object(members).serializedBytes())
        switch status {
        case 202:
            guard let runId = body["runId"]?.stringValue else { throw .server(status: status, message: "no runId in the answer") }
            return AcceptedEvent(runId: runId, duplicate: body["duplicate"] == .bool(true))
        case 400 where body["problems"] != nil:
            let problems = (body["problems"]?.arrayValue ?? []).map { problem in
                ValidationProblem(pointer: problem["pointer"]?.stringValue ?? "", expected: problem["expected"]?.stringValue ?? "",
                                  actual: problem["actual"]?.stringValue ?? "")
            }
            throw .rejected(problems)
        case 404:
            throw .unknownEvent(name)
        default:
            throw .server(status: status, message: body["error"]?.stringValue ?? "unexpected answer")
        }
    }

    /// The status and per-step results of a run, as JSON.
    public func run(_ runId: String) async throws(AlloyError) -> JSONValue {
        let (status, body) = try await send("GET", "runs/\(runId)", body: nil)
        guard status == 200 else { throw .server(status: status, message: body["error"]?.stringValue ?? "unexpected answer") }
        return body
    }

    /// Polls a run until it has finished, and returns its final record.
    public func waitForRun(_ runId: String, timeout: Double = 30) async throws(AlloyError) -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let record = try await run(runId)
            let status = record["status"]?.stringValue
            if status == "succeeded" || status == "failed" { return record }
            if Date() > deadline { throw .transport("run \(runId) did not finish within \(Int(timeout)) s") }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    private func send(_ method: String, _ path: String, body: [UInt8]?) async throws(AlloyError) -> (Int, JSONValue) {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let session = self.session
        let shown = request.url?.absoluteString ?? path
        let prepared = request
        let outcome: Result<(Int, JSONValue), AlloyError> = await withCheckedContinuation { continuation in
            session.dataTask(with: prepared) { data, response, error in
                if let error {
                    continuation.resume(returning: .failure(.transport("cannot reach \(shown): \(error.localizedDescription)")))
                    return
                }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                let json = (try? JSONReader.parse(Array(data ?? Data()))) ?? .null
                continuation.resume(returning: .success((status, json)))
            }.resume()
        }
        return try outcome.get()
    }
}
