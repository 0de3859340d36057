import AlloyCLICore
import AlloyCore
import AlloyRuntime
import Foundation

/// Options every runtime command shares: credentials, base URL overrides, timeouts, retries.
struct RuntimeOptions {
    static let declared: [String: Bool] = ["--users": true, "--base": true, "--timeout": true, "--retries": true]

    static let help = """
      --users USERS.json       End users' credentials: {"gregg": {"credentials": {"slack": {"token": "…"}}}}
      --base CONNECTOR=URL     Send a connector's calls to another base URL (repeatable), e.g. slack=http://127.0.0.1:9000
      --timeout SECONDS        Per-request timeout (default 30)
      --retries N              Retries of calls that may succeed later: 429, 5xx, timeouts (default 3)
    """

    var users: Users = .none
    var bases: [String: String] = [:]
    var timeout: Double = 30
    var retries: Int = 3

    init(_ parsed: Arguments, io: CommandIO) throws {
        if let path = try parsed.value("--users") {
            do {
                users = try Users(json: try io.readFile(path, what: "the users file"))
            } catch let error as PlanLoadError {
                throw UsageError(error.message)
            }
        }
        for entry in parsed.values["--base"] ?? [] {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw UsageError("--base needs CONNECTOR=URL, got '\(entry)'")
            }
            let name = String(entry[..<equals]), url = String(entry[entry.index(after: equals)...])
            guard StringFormat.isURL(url) else { throw UsageError("--base \(name)=\(url): not an absolute http(s) URL") }
            bases[name] = url
        }
        if let raw = try parsed.value("--timeout") {
            guard let value = Double(raw), value > 0, value <= 3600 else { throw UsageError("--timeout needs a number of seconds between 0 and 3600, got '\(raw)'") }
            timeout = value
        }
        if let raw = try parsed.value("--retries") {
            guard let value = Int(raw), value >= 0, value <= 20 else { throw UsageError("--retries needs a whole number from 0 to 20, got '\(raw)'") }
            retries = value
        }
    }

    func executor(dryRun: Bool) -> any ActionExecutor {
        if dryRun { return DryRunExecutor() }
        return HTTPExecutor(users: users, baseOverrides: bases, timeout: timeout, retry: RetryPolicy(maxAttempts: retries + 1))
    }

    /// Checks that every --base names a connector of the plan.
    func validate(against plan: LoadedPlan) throws {
        for name in bases.keys.sorted() where plan.connectors[name] == nil {
            let suggestions = Suggestions.closest(to: name, among: plan.connectors.keys)
            throw UsageError("--base names connector '\(name)', which the plan does not use",
                             hint: suggestions.first.map { "did you mean '\($0)'?" } ?? "the plan's connectors are: \(plan.connectors.keys.sorted().joined(separator: ", "))")
        }
    }
}

/// Loads a plan file for a command, turning every problem into exit code 2.
func loadPlan(_ path: String, io: CommandIO) throws -> LoadedPlan {
    let bytes = try io.readFile(path, what: "the plan")
    do {
        return try PlanLoader.load(bytes)
    } catch {
        throw UsageError("cannot load \(path): \(error.message)")
    }
}

