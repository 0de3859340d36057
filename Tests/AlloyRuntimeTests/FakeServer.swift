import AlloyRuntime
import Foundation

/// A real HTTP server on 127.0.0.1 and an ephemeral port, standing in for Slack or a CRM.
/// It records every request and answers with a programmable responder.
final class FakeServer: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    private var responder: @Sendable (HTTPRequest, Int) -> HTTPResponse
    private var server: HTTPServer?

    var requests: [HTTPRequest] { lock.withLock { recorded } }
    var baseURL: String { "http://127.0.0.1:\(server?.port ?? 0)" }

    init(responder: @escaping @Sendable (HTTPRequest, Int) -> HTTPResponse = { _, _ in .json(200, #"{"ok":true,"ts":"1700000000.1"}"#) }) throws {
        self.responder = responder
        let server = HTTPServer { [weak self] request in
            guard let self else { return HTTPResponse(status: 500) }
            let (index, respond) = self.lock.withLock { () -> (Int, @Sendable (HTTPRequest, Int) -> HTTPResponse) in
                self.recorded.append(request)
                return (self.recorded.count, self.responder)
            }
            return respond(request, index)
        }
        try server.start(host: "127.0.0.1", port: 0)
        self.server = server
    }

    func stop() { server?.stop() }

    deinit { server?.stop() }
}

/// A credential that must never appear in any output, error or record.
let canaryToken = "xoxb-CANARY-7f3a9c1e-never-print-me"

/// A users file with the canary for "gregg" and another token for "ada".
let usersJSON = #"{"gregg": {"credentials": {"slack": {"token": "\#(canaryToken)"}, "crm": {"token": "\#(canaryToken)-crm"}}}, "ada": {"credentials": {"slack": {"token": "xoxb-ada-token"}}}}"#
