import AlloyCore

/// One call an executor is asked to make.
public struct ActionCall: Sendable {
    public var connector: ConnectorPlan
    public var action: ActionPlan
    public var input: JSONValue
    public var userId: String
    public var workflow: String
    public var step: String
}

/// Why a call failed. `retryable` marks failures that may succeed later (429, 5xx, timeouts).
public struct CallFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var retryable: Bool
    /// Seconds the server asked us to wait (Retry-After), if any.
    public var retryAfter: Double?
    public var attempts: Int

    public init(_ message: String, retryable: Bool = false, retryAfter: Double? = nil, attempts: Int = 1) {
        self.message = message
        self.retryable = retryable
        self.retryAfter = retryAfter
        self.attempts = attempts
    }

    public var description: String { message }
}

/// A call's answer, and how many attempts it took.
public struct CallSuccess: Sendable {
    public var output: JSONValue
    public var attempts: Int

    public init(output: JSONValue, attempts: Int = 1) {
        self.output = output
        self.attempts = attempts
    }
}

/// Makes the calls of steps: over HTTP, or not at all in a dry run.
public protocol ActionExecutor: Sendable {
    /// Performs the call and returns the response body, already checked against the output type.
    func perform(_ call: ActionCall) throws(CallFailure) -> CallSuccess
}

/// The executor of `--dry-run`: calls nothing and answers placeholders of the output type.
public struct DryRunExecutor: ActionExecutor {
    public init() {}

    public func perform(_ call: ActionCall) throws(CallFailure) -> CallSuccess {
        CallSuccess(output: Validator.placeholder(for: call.action.output), attempts: 0)
    }
}

/// What happened to one step.
public struct StepRecord: Sendable {
    public enum Status: String, Sendable { case succeeded, failed }

    public var workflow: String
    public var step: String
    public var call: String
    public var input: JSONValue
    public var output: JSONValue?
    public var status: Status
    public var error: String?
    public var source: SourceRef?
    public var attempts: Int

    /// The record as JSON, for `--format json`, run records and the server.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("workflow", .string(workflow)), ("step", .string(step)), ("call", .string(call)),
            ("status", .string(status.rawValue)), ("input", input),
        ]
        if let output { members.append(("output", output)) }
        if let error { members.append(("error", .string(error))) }
        if let source { members.append(("source", .string(source.description))) }
        members.append(("attempts", .int(Int64(attempts))))
        return .object(members)
    }
}

/// What happened to one workflow.
public struct WorkflowRecord: Sendable {
    public var name: String
    public var succeeded: Bool
    public var steps: [StepRecord]
    public var error: String?

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("workflow", .string(name)), ("status", .string(succeeded ? "succeeded" : "failed")),
            ("steps", .array(steps.map(\.json))),
        ]
        if let error { members.append(("error", .string(error))) }
        return .object(members)
    }
}

/// The outcome of running one event through every workflow it triggers.
public struct RunResult: Sendable {
    public var event: String
    public var userId: String
    public var workflows: [WorkflowRecord]

    public var succeeded: Bool { workflows.allSatisfy(\.succeeded) }
    public var stepCount: Int { workflows.reduce(0) { $0 + $1.steps.count } }

    public var json: JSONValue {
        .object([
            ("event", .string(event)), ("userId", .string(userId)),
            ("status", .string(succeeded ? "succeeded" : "failed")),
            ("workflows", .array(workflows.map(\.json))),
        ])
    }
}

/// Why an event was not run at all.
public enum EventRejection: Error, Sendable, CustomStringConvertible {
    case unknownEvent(String, known: [String])
    case invalidData([ValidationProblem])

    public var description: String {
        switch self {
        case .unknownEvent(let name, let known):
            return "unknown event \"\(name)\"" + (known.isEmpty ? "" : "; the plan accepts " + known.map { "\"\($0)\"" }.joined(separator: ", "))
        case .invalidData(let problems):
            return "the event data does not match the schema:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}

/// Runs events through a plan: validates the data, then runs each triggered workflow's
/// statements in order, calling the executor for each step.
public struct Runner: Sendable {
    public let plan: LoadedPlan
    public let executor: any ActionExecutor

    public init(plan: LoadedPlan, executor: any ActionExecutor) {
        self.plan = plan
        self.executor = executor
    }

    /// Checks an event before anything runs: the event exists and the data matches its schema.
    public func validate(event name: String, data: JSONValue) throws(EventRejection) {
        guard let event = plan.events[name] else { throw .unknownEvent(name, known: plan.eventNames) }
        let problems = Validator.validate(data, against: event.schema)
        if !problems.isEmpty { throw .invalidData(problems) }
    }

    /// Validates and runs one event. `onStep` sees each step as it finishes.
    public func run(event name: String, userId: String, data: JSONValue,
                    onStep: @escaping (StepRecord) -> Void = { _ in }) throws(EventRejection) -> RunResult {
        try validate(event: name, data: data)
        return runValidated(event: name, userId: userId, data: data, onStep: onStep)
    }

    /// Runs an event whose data has already been validated against this plan.
    public func runValidated(event name: String, userId: String, data: JSONValue,
                             onStep: @escaping (StepRecord) -> Void = { _ in }) -> RunResult {
        var workflows: [WorkflowRecord] = []
        for workflow in plan.workflowsByEvent[name] ?? [] {
            var context = WorkflowContext(workflow: workflow, environment: Environment(event: data, userId: userId), onStep: onStep)
            let failure = execute(workflow.body, &context)
            workflows.append(WorkflowRecord(name: workflow.name, succeeded: failure == nil, steps: context.records, error: failure))
        }
        return RunResult(event: name, userId: userId, workflows: workflows)
    }

    /// Steps and loop iterations one workflow run may take: nested loops could otherwise
    /// run for ever on a small event.
    public static let maxWork = 100_000

    private struct WorkflowContext {
        var workflow: WorkflowPlan
        var environment: Environment
        var records: [StepRecord] = []
        var onStep: (StepRecord) -> Void
        var work = 0
    }

    /// Runs statements; returns the error that stopped the workflow, if any.
    private func execute(_ statements: [StatementPlan], _ context: inout WorkflowContext) -> String? {
        for statement in statements {
            switch statement {
            case .step(let step):
                context.work += 1
                if context.work > Runner.maxWork {
                    return "workflow \"\(context.workflow.name)\" stopped: more than \(Runner.maxWork) steps and loop iterations in one run"
                }
                if let failure = runStep(step, &context) { return failure }
            case .ifElse(let branches, let elseBody):
                var chosen: [StatementPlan]? = elseBody
                for branch in branches {
                    do {
                        let value = try Evaluator.evaluate(branch.condition, context.environment)
                        if value == .bool(true) { chosen = branch.body; break }
                    } catch {
                        return "workflow \"\(context.workflow.name)\": \(error)"
                    }
                }
                if let chosen, let failure = execute(chosen, &context) { return failure }
            case .forLoop(let variable, let sequence, let body):
                let items: [JSONValue]
                do {
                    items = (try Evaluator.evaluate(sequence, context.environment)).arrayValue ?? []
                } catch {
                    return "workflow \"\(context.workflow.name)\": \(error)"
                }
                let outerSteps = context.environment.steps
                let outerVariables = context.environment.variables
                let names = Runner.stepNames(in: body)
                var collected: [String: [JSONValue]] = [:]
                for item in items {
                    context.work += 1
                    if context.work > Runner.maxWork {
                        return "workflow \"\(context.workflow.name)\" stopped: more than \(Runner.maxWork) steps and loop iterations in one run"
                    }
                    context.environment.variables[variable] = item
                    if let failure = execute(body, &context) { return failure }
                    // A step that did not run in this iteration (inside an `if`) contributes null,
                    // so the array stays aligned with the loop's items.
                    for name in names { collected[name, default: []].append(context.environment.steps[name] ?? .null) }
                    context.environment.steps = outerSteps
                }
                context.environment.variables = outerVariables
                for name in names { context.environment.steps[name] = .array(collected[name] ?? []) }
            }
        }
        return nil
    }

    static func stepNames(in body: [StatementPlan]) -> [String] {
        body.flatMap { statement -> [String] in
            switch statement {
            case .step(let step): return [step.name]
            case .ifElse(let branches, let elseBody): return branches.flatMap { stepNames(in: $0.body) } + stepNames(in: elseBody ?? [])
            case .forLoop(_, _, let body): return stepNames(in: body)
            }
        }
    }

    private func runStep(_ step: StepPlan, _ context: inout WorkflowContext) -> String? {
        let location = "workflow \"\(context.workflow.name)\", step \(step.name) (\(step.call))" + (step.source.map { " at \($0)" } ?? "")
        var members: [(String, JSONValue)] = []
        for (name, expression) in step.inputs {
            do {
                members.append((name, try Evaluator.evaluate(expression, context.environment)))
            } catch {
                let record = StepRecord(workflow: context.workflow.name, step: step.name, call: step.call, input: .object(members),
                                        output: nil, status: .failed, error: error.description, source: step.source, attempts: 0)
                context.records.append(record)
                context.onStep(record)
                return "\(location): \(error)"
            }
        }
        let input = JSONValue.object(members)
        guard let connector = plan.connectors[step.connector], let action = connector.actions[step.action] else {
            return "\(location): the plan has no action \(step.call)"
        }
        let call = ActionCall(connector: connector, action: action, input: input, userId: context.environment.userId,
                              workflow: context.workflow.name, step: step.name)
        do {
            let success = try executor.perform(call)
            context.environment.steps[step.name] = success.output
            let record = StepRecord(workflow: context.workflow.name, step: step.name, call: step.call, input: input,
                                    output: success.output, status: .succeeded, error: nil, source: step.source, attempts: success.attempts)
            context.records.append(record)
            context.onStep(record)
            return nil
        } catch {
            let record = StepRecord(workflow: context.workflow.name, step: step.name, call: step.call, input: input,
                                    output: nil, status: .failed, error: error.message, source: step.source, attempts: error.attempts)
            context.records.append(record)
            context.onStep(record)
            return "\(location): \(error.message)"
        }
    }
}
