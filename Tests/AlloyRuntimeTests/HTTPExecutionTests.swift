import AlloyCore
import AlloyRuntime
import Foundation
import Testing

/// Runs the seed example against a real HTTP server on 127.0.0.1.
@Suite struct HTTPExecutionTests {
    func runner(_ server: FakeServer, retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)) throws -> Runner {
        let users = try Users(json: Array(usersJSON.utf8))
        let executor = HTTPExecutor(users: users, baseOverrides: ["slack": server.baseURL], timeout: 5, retry: retry)
        return Runner(plan: try loadPlan(seedSource), executor: executor)
    }

    @Test func postsEveryStepWithTheUsersBearerToken() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let result = try runner(server).run(event: "Ticket Created", userId: "gregg", data: try JSONReader.parse(seedData))
        #expect(result.succeeded)
        // notify, escalate (priority 4 >= 3), and one per tag.
        #expect(result.workflows[0].steps.map(\.step) == ["notify", "escalate", "perTag", "perTag"])
        let requests = server.requests
        #expect(requests.count == 4)
        #expect(requests.allSatisfy { $0.method == "POST" && $0.path == "/chat.postMessage" })
        #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer \(canaryToken)" })
        let body = try JSONReader.parse(requests[1].body)
        #expect(body["channel"] == .string("#escalations"))
        #expect(body["text"] == .string("High priority: Alloy 123 (thread 1700000000.1)"))
        #expect(try JSONReader.parse(requests[3].body)["channel"] == .string("#tag-vip"))
    }

    @Test func anotherUsersEventUsesOnlyTheirCredential() throws {
        let server = try FakeServer()
        defer { server.stop() }
        _ = try runner(server).run(event: "Ticket Created", userId: "ada", data: try JSONReader.parse(seedData))
        #expect(server.requests.allSatisfy { $0.headers["authorization"] == "Bearer xoxb-ada-token" })
    }

    @Test func missingUserOrCredentialSendsNothing() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let result = try runner(server).run(event: "Ticket Created", userId: "mallory", data: try JSONReader.parse(seedData))
        #expect(!result.succeeded)
        let error = try #require(result.workflows[0].error)
        #expect(error.contains("mallory") && error.contains("slack"))
        #expect(server.requests.isEmpty)
    }

    @Test func nonSuccessFailsTheStepAndPointsAtSource() throws {
        let server = try FakeServer { _, _ in .json(404, #"{"ok":false,"error":"channel_not_found"}"#) }
        defer { server.stop() }
        let result = try runner(server).run(event: "Ticket Created", userId: "gregg", data: try JSONReader.parse(seedData))
        #expect(!result.succeeded)
        let error = try #require(result.workflows[0].error)
        #expect(error.contains("workflow \"Post new tickets to Slack\", step notify (slack.postMessage) at test.alloy:30:3"))
        #expect(error.contains("HTTP 404"))
        // 404 is not retried; the workflow stops at the failed step.
        #expect(server.requests.count == 1)
    }

    @Test func retriesTransientFailuresHonouringRetryAfter() throws {
        let server = try FakeServer { _, index in
            index == 1 ? HTTPResponse.json(503, #"{"error":"busy"}"#, headers: [("Retry-After", "0")])
                : (index == 2 ? HTTPResponse.json(429, "{}") : HTTPResponse.json(200, #"{"ok":true}"#))
        }
        defer { server.stop() }
        let result = try runner(server).run(event: "Ticket Created", userId: "gregg", data: try JSONReader.parse(seedData))
        #expect(result.workflows[0].steps.first?.status == .succeeded)
        #expect(server.requests.count >= 3)
    }

    @Test func exhaustedRetriesRecordTheLastError() throws {
        let server = try FakeServer { _, _ in .json(500, #"{"error":"down"}"#) }
        defer { server.stop() }
        let result = try runner(server).run(event: "Ticket Created", userId: "gregg", data: try JSONReader.parse(seedData))
        let step = try #require(result.workflows[0].steps.first)
        #expect(step.status == .failed)
        #expect(step.attempts == 3)
        #expect(step.error?.contains("HTTP 500") == true)
        #expect(server.requests.count == 3)
    }

    @Test func responseMustMatchTheDeclaredOutput() throws {
        let server = try FakeServer { _, _ in .json(200, #"{"ok":"yes"}"#) }
        defer { server.stop() }
        let result = try runner(server).run(event: "Ticket Created", userId: "gregg", data: try JSONReader.parse(seedData))
        #expect(result.workflows[0].error?.contains("/ok: expected Bool") == true)
    }

    @Test func canaryCredentialNeverAppears() throws {
        // The server echoes nothing of the request, so any canary in the output leaked from us.
        let server = try FakeServer { _, index in index % 2 == 0 ? .json(500, #"{"error":"x"}"#) : .json(200, #"{"ok":true}"#) }
        defer { server.stop() }
        let result = try runner(server, retry: .never).run(event: "Ticket Created", userId: "gregg", data: try JSONReader.parse(seedData))
        let everything = result.json.serialized() + result.workflows.compactMap(\.error).joined()
        #expect(!everything.contains("CANARY"))
    }

    @Test func timeoutsAreRetryableFailures() throws {
        let server = try FakeServer { _, _ in Thread.sleep(forTimeInterval: 1.5); return .json(200, #"{"ok":true}"#) }
        defer { server.stop() }
        let users = try Users(json: Array(usersJSON.utf8))
        let executor = HTTPExecutor(users: users, baseOverrides: ["slack": server.baseURL], timeout: 0.3, retry: .never)
        let result = try Runner(plan: try loadPlan(seedSource), executor: executor)
            .run(event: "Ticket Created", userId: "gregg", data: try JSONReader.parse(seedData))
        #expect(result.workflows[0].error?.contains("timed out") == true)
    }
}
