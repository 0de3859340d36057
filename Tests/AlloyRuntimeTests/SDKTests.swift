import AlloyCore
import AlloyRuntime
import Foundation
import Testing

@Suite struct SDKTests {
    @Test func inProcessIdentifyAndEvent() async throws {
        let server = try FakeServer()
        defer { server.stop() }
        let users = try Users(json: Array(usersJSON.utf8))
        let alloy = Alloy(plan: try loadPlan(seedSource), executor: HTTPExecutor(users: users, baseOverrides: ["slack": server.baseURL], retry: .never))
        await #expect(throws: AlloyError.self) { try await alloy.event("Ticket Created", ["ticketName": "x"]) }
        alloy.identify("gregg")
        let run = try await alloy.event("Ticket Created", [
            "ticketName": "Alloy 123", "customerEmail": "gregg@example.com", "priority": 1,
            "tags": ["sales"], "customer": ["id": "c_42", "plan": "pro"],
        ])
        #expect(run.succeeded)
        #expect(run.workflows.first?.steps.map(\.step) == ["notify", "perTag"])
        #expect(server.requests.count == 2)
    }

    @Test func rejectionCarriesEveryProblem() async throws {
        let alloy = Alloy(plan: try loadPlan(seedSource), executor: DryRunExecutor())
        alloy.identify("gregg")
        do {
            _ = try await alloy.event("Ticket Created", ["ticketName": 5, "priority": "high"])
            Issue.record("expected a rejection")
        } catch {
            guard case .rejected(let problems) = error else { Issue.record("wrong error \(error)"); return }
            #expect(problems.map(\.pointer) == ["/ticketName", "/customerEmail", "/priority", "/tags", "/customer"])
        }
    }

    @Test func clientAgainstServeInProcess() async throws {
        let slack = try FakeServer()
        defer { slack.stop() }
        let users = try Users(json: Array(usersJSON.utf8))
        let runner = Runner(plan: try loadPlan(seedSource), executor: HTTPExecutor(users: users, baseOverrides: ["slack": slack.baseURL], retry: .never))
        let service = EventService(runner: runner, journal: nil)
        let server = HTTPServer { service.handle($0) }
        try server.start()
        defer { server.stop() }
        let client = AlloyClient(baseURL: try #require(URL(string: "http://127.0.0.1:\(server.port)")))
        client.identify("gregg")
        let data = try JSONReader.parse(seedData)
        let first = try await client.event("Ticket Created", json: data, eventId: "evt-1")
        let again = try await client.event("Ticket Created", json: data, eventId: "evt-1")
        #expect(again == AcceptedEvent(runId: first.runId, duplicate: true))
        // The same eventId from another user is a different event.
        client.identify("ada")
        let other = try await client.event("Ticket Created", json: data, eventId: "evt-1")
        #expect(other.runId != first.runId && !other.duplicate)
        let record = try await client.waitForRun(first.runId)
        #expect(record["status"] == .string("succeeded"))
        do {
            _ = try await client.event("Ticket Created", ["priority": "high"])
            Issue.record("expected a rejection")
        } catch {
            guard case .rejected(let problems) = error else { Issue.record("wrong error \(error)"); return }
            #expect(problems.contains { $0.pointer == "/priority" })
        }
        #expect(service.waitUntilIdle())
    }
}
