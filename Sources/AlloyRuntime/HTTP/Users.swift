import AlloyCore

/// The end users' credentials, read from a users file:
/// `{"gregg": {"credentials": {"slack": {"token": "xoxb-…"}}}}`.
///
/// A credential is only ever looked up for the user an event was sent for, and its values
/// are registered for redaction so they never appear in output, errors or run records.
public struct Users: Sendable {
    private var credentials: [String: [String: String]]

    /// No users: every connector that needs a credential fails with a clear error.
    public static let none = Users(credentials: [:])

    private init(credentials: [String: [String: String]]) {
        self.credentials = credentials
    }

    /// Reads a users file's bytes.
    public init(json bytes: [UInt8]) throws(PlanLoadError) {
        let document: JSONValue
        do { document = try JSONReader.parse(bytes) } catch {
            throw PlanLoadError(message: "the users file is not valid JSON (\(error))")
        }
        guard case .object(let users) = document else { throw PlanLoadError(message: "the users file must be a JSON object of users") }
        var result: [String: [String: String]] = [:]
        for (user, entry) in users {
            guard case .object(let connectors)? = entry["credentials"] else {
                throw PlanLoadError(message: "users file: user \"\(user)\" has no \"credentials\" object")
            }
            var tokens: [String: String] = [:]
            for (connector, credential) in connectors {
                guard let token = credential["token"]?.stringValue, !token.isEmpty else {
                    throw PlanLoadError(message: "users file: the \(connector) credential of user \"\(user)\" needs a non-empty \"token\"")
                }
                tokens[connector] = token
            }
            result[user] = tokens
        }
        self.credentials = result
    }

    /// Whether the file has this user.
    public func contains(_ user: String) -> Bool { credentials[user] != nil }

    /// The user's token for a connector, or an error naming both.
    public func token(user: String, connector: String) throws(CallFailure) -> String {
        guard let tokens = credentials[user] else {
            throw CallFailure("user \"\(user)\" is not in the users file, so no credential for \(connector) can be sent", attempts: 0)
        }
        guard let token = tokens[connector] else {
            throw CallFailure("user \"\(user)\" has no credential for connector \(connector)", attempts: 0)
        }
        return token
    }

    /// Every secret value, longest first, for redaction.
    public var secrets: [String] {
        Array(Set(credentials.values.flatMap(\.values))).sorted { $0.count > $1.count }
    }

    /// Replaces every credential in `text` with `[redacted]`.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "[redacted]")
        }
        return result
    }
}
