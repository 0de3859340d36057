import AlloyCore
import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How failed calls that may succeed later are retried.
public struct RetryPolicy: Sendable {
    /// Attempts in all, including the first.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest Retry-After honoured; longer waits fail the call instead.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.25, maxDelay: Double = 8, maxRetryAfter: Double = 30) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The wait before attempt `attempt + 1`: the server's Retry-After when it gave one (a
    /// longer one than `maxRetryAfter` fails the call before this is asked), otherwise
    /// exponential backoff with "equal jitter": a random wait between half the ceiling and it.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return retryAfter }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return Double.random(in: (ceiling / 2)...max(ceiling / 2, ceiling))
    }
}

/// Calls actions over real HTTP with URLSession, with the invoking user's credential.
public final class HTTPExecutor: ActionExecutor, @unchecked Sendable {
    private let users: Users
    private let baseOverrides: [String: String]
    private let timeout: Double
    private let retry: RetryPolicy
    private let session: URLSession
    /// Responses larger than this fail the step.
    public static let maxResponseBytes = 16 * 1024 * 1024

    public init(users: Users, baseOverrides: [String: String] = [:], timeout: Double = 30, retry: RetryPolicy = RetryPolicy()) {
        self.users = users
        self.baseOverrides = baseOverrides
        self.timeout = timeout
        self.retry = retry
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 2
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        self.session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    public func perform(_ call: ActionCall) throws(CallFailure) -> CallSuccess {
        var token: String?
        if call.connector.auth != .none {
            // No credential, no request: the failure names the user and the connector.
            token = try users.token(user: call.userId, connector: call.connector.name)
        }
        let request = try RequestBuilder.build(call, base: baseOverrides[call.connector.name], token: token)
        var attempt = 1
        while true {
            do {
                return CallSuccess(output: redact(try send(request, call)), attempts: attempt)
            } catch var failure {
                failure.message = users.redact(failure.message)
                failure.attempts = attempt
                guard failure.retryable, attempt < retry.maxAttempts else { throw failure }
                if let wait = failure.retryAfter, wait > retry.maxRetryAfter {
                    failure.message += " (Retry-After \(JSONValue.format(wait.rounded())) s is longer than the \(JSONValue.format(retry.maxRetryAfter)) s this runtime waits)"
                    throw failure
                }
                let delay = retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
                Thread.sleep(forTimeInterval: delay)
                attempt += 1
            }
        }
    }

    private func send(_ prepared: PreparedRequest, _ call: ActionCall) throws(CallFailure) -> JSONValue {
        guard let url = URL(string: prepared.url) else { throw CallFailure("invalid URL for \(call.connector.name).\(call.action.name)") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = prepared.method
        for (name, value) in prepared.headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body = prepared.body { request.httpBody = Data(body) }
        let shownURL = Self.withoutQuery(prepared.url)

        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        let task = session.dataTask(with: request) { data, response, error in
            result = (data, response, error)
            semaphore.signal()
        }
        task.resume()
        semaphore.wait()
        let (data, response, error) = result

        if let error {
            let code = (error as? URLError)?.code
            let transient: Set<URLError.Code> = [.timedOut, .networkConnectionLost, .cannotConnectToHost, .notConnectedToInternet, .dnsLookupFailed, .cannotFindHost]
            let reason = code == .timedOut ? "timed out after \(Int(timeout)) s" : "failed: \((error as? URLError).map { "\($0.code.rawValue)" } ?? "network error") \(error.localizedDescription)"
            throw CallFailure("\(prepared.method) \(shownURL) \(reason)", retryable: code.map { transient.contains($0) } ?? false)
        }
        guard let http = response as? HTTPURLResponse else { throw CallFailure("\(prepared.method) \(shownURL): no HTTP response") }
        let bytes = Array(data ?? Data())
        guard (200..<300).contains(http.statusCode) else {
            let retryable = http.statusCode == 429 || http.statusCode >= 500
            let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")).flatMap(Self.parseRetryAfter)
            throw CallFailure("\(prepared.method) \(shownURL) answered HTTP \(http.statusCode)\(Self.snippet(bytes))",
                              retryable: retryable, retryAfter: retryAfter)
        }
        guard bytes.count <= Self.maxResponseBytes else { throw CallFailure("the response of \(shownURL) is larger than \(Self.maxResponseBytes / 1024 / 1024) MB") }
        if call.connector.isBuiltin {
            let body: JSONValue = bytes.isEmpty ? .null : ((try? JSONReader.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self)))
            return .object([("status", .int(Int64(http.statusCode))), ("body", body)])
        }
        let body: JSONValue
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            body = .object([])
        } else {
            do { body = try JSONReader.parse(bytes) } catch {
                throw CallFailure("the response of \(shownURL) is not valid JSON (\(error))")
            }
        }
        let problems = Validator.validate(body, against: call.action.output)
        guard problems.isEmpty else {
            throw CallFailure("the response of \(shownURL) does not match the declared output of \(call.connector.name).\(call.action.name): " +
                              problems.prefix(3).map(\.description).joined(separator: "; "))
        }
        return body
    }

    /// Removes credentials from a response, in case a server echoes one back.
    private func redact(_ value: JSONValue) -> JSONValue {
        let secrets = users.secrets
        guard !secrets.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(users.redact(text))
        case .array(let items): return .array(items.map(redact))
        case .object(let members): return .object(members.map { ($0.0, redact($0.1)) })
        default: return value
        }
    }

    static func withoutQuery(_ url: String) -> String {
        url.firstIndex(of: "?").map { String(url[..<$0]) } ?? url
    }

    private static func snippet(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        let text = String(decoding: bytes.prefix(200), as: UTF8.self).replacing("\n", with: " ")
        return ": \(text)\(bytes.count > 200 ? "…" : "")"
    }

    /// Retry-After as seconds, from delta-seconds or an HTTP-date.
    static func parseRetryAfter(_ value: String) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 { return min(seconds, 1e9) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, date.timeIntervalSinceNow)
    }
}
