import AlloyCore

/// What is in scope at a point of a workflow.
struct Scope {
    /// The event's data type; `.error` when the trigger is unknown.
    var event: AlloyType = .error
    /// The trigger's name, for messages.
    var eventName: String?
    /// The action's inputs, inside a path template.
    var input: AlloyType.Record?
    /// Steps that run before this point on every path, with their types here.
    var steps: [String: AlloyType] = [:]
    var variables: [String: AlloyType] = [:]
    /// Where each loop variable is bound.
    var variableSpans: [String: Span] = [:]
    /// Paths known not to be null here (`if x != null { … }`).
    var narrowed: Set<String> = []
    var inWorkflow = false
}

extension Checker {
    mutating func checkWorkflow(_ workflow: WorkflowDeclaration) -> WorkflowIR? {
        var scope = Scope()
        scope.inWorkflow = true
        var triggerName = ""
        if let trigger = workflow.trigger, !trigger.isMissing {
            triggerName = trigger.name
            if let type = eventTypes[trigger.name] {
                let declaration = eventDeclarations[trigger.name]
                reference(.event, trigger.name, at: trigger.span, declaration: declaration?.name.span, type: type, doc: declaration?.doc)
                scope.event = type
                scope.eventName = trigger.name
                usedEvents.insert(trigger.name)
            } else {
                let suggestions = Suggestions.closest(to: trigger.name, among: eventTypes.keys)
                bag.error(.unknownEvent, "no event named \"\(trigger.name)\"", at: trigger.span,
                          help: suggestions.isEmpty ? [] : ["did you mean \"\(suggestions[0])\"?"],
                          fixes: suggestions.count == 1 ? [Diagnostic.FixIt("replace with \"\(suggestions[0])\"", span: trigger.span, replacement: "\"\(suggestions[0])\"")] : [])
            }
        }
        var declared: [String: Span] = [:]
        collectSteps(workflow.body, into: &declared)
        currentSteps = declared
        let body = checkStatements(workflow.body, &scope)
        guard !workflow.name.isMissing else { return nil }
        return WorkflowIR(name: workflow.name.name, doc: workflow.doc, trigger: triggerName, body: body, span: workflow.name.span)
    }

    /// Every step name of the workflow, for "declared later" messages; duplicates reported once.
    private mutating func collectSteps(_ statements: [Statement], into declared: inout [String: Span]) {
        for statement in statements {
            switch statement {
            case .step(let step):
                guard !step.name.isMissing else { continue }
                if let first = declared[step.name.name] {
                    duplicate("step '\(step.name.name)'", step.name.span, first: first)
                } else {
                    declared[step.name.name] = step.name.span
                }
            case .ifElse(let statement):
                for branch in statement.branches { collectSteps(branch.body, into: &declared) }
                if let elseBody = statement.elseBody { collectSteps(elseBody, into: &declared) }
            case .forLoop(let loop):
                collectSteps(loop.body, into: &declared)
            }
        }
    }

    private mutating func checkStatements(_ statements: [Statement], _ scope: inout Scope) -> [StatementIR] {
        var result: [StatementIR] = []
        for statement in statements {
            switch statement {
            case .step(let step):
                if let checked = checkStep(step, &scope) { result.append(.step(checked)) }
            case .ifElse(let statement):
                var branches: [(condition: TypedExpression, body: [StatementIR], span: Span)] = []
                var newSteps: [String: AlloyType] = [:]
                var negated: Set<String> = []
                for branch in statement.branches {
                    var branchScope = scope
                    branchScope.narrowed.formUnion(negated)
                    let condition = typeOf(branch.condition, branchScope)
                    expectBool(condition, "an 'if' condition")
                    let facts = nullFacts(branch.condition, branchScope)
                    branchScope.narrowed.formUnion(facts.whenTrue)
                    negated.formUnion(facts.whenFalse)
                    let body = checkStatements(branch.body, &branchScope)
                    branches.append((condition, body, branch.span))
                    for (name, type) in branchScope.steps where scope.steps[name] == nil { newSteps[name] = type }
                }
                var elseIR: [StatementIR]?
                if let elseBody = statement.elseBody {
                    var elseScope = scope
                    elseScope.narrowed.formUnion(negated)
                    elseIR = checkStatements(elseBody, &elseScope)
                    for (name, type) in elseScope.steps where scope.steps[name] == nil { newSteps[name] = type }
                }
                for (name, type) in newSteps { scope.steps[name] = type.optional }
                result.append(.ifElse(branches: branches, elseBody: elseIR, span: statement.span))
            case .forLoop(let loop):
                let sequence = typeOf(loop.sequence, scope)
                var element: AlloyType = .error
                switch sequence.type {
                case .array(let type): element = type
                case .error: break
                case .optional(.array):
                    reportOptional(sequence, wanted: "an array", context: "a 'for' loop", operand: false)
                case let other:
                    bag.error(.typeMismatch, "a 'for' loop needs an array, but this is \(other.description)", at: loop.sequence.span)
                }
                var loopScope = scope
                let name = loop.variable.name
                if !loop.variable.isMissing {
                    if ["event", "steps", "user"].contains(name) {
                        bag.error(.duplicateName, "the loop variable '\(name)' would hide the '\(name)' root", at: loop.variable.span,
                                  help: ["choose another name, such as '\(name == "steps" ? "item" : "each")'"])
                    } else if scope.variables[name] != nil {
                        bag.error(.duplicateName, "the loop variable '\(name)' is already bound by an enclosing loop", at: loop.variable.span)
                    }
                    loopScope.variables[name] = element
                    loopScope.variableSpans[name] = loop.variable.span
                    reference(.variable, name, at: loop.variable.span, declaration: loop.variable.span, type: element)
                }
                let body = checkStatements(loop.body, &loopScope)
                for (stepName, type) in loopScope.steps where scope.steps[stepName] == nil {
                    scope.steps[stepName] = .array(type)
                }
                result.append(.forLoop(variable: name, sequence: sequence, body: body, span: loop.span))
            }
        }
        return result
    }

    private mutating func checkStep(_ step: StepSyntax, _ scope: inout Scope) -> StepIR? {
        var action: ActionIR?
        var connectorName = step.connector.name
        if !step.connector.isMissing {
            if let connector = connectors[step.connector.name] {
                reference(.connector, connector.name, at: step.connector.span, declaration: connector.span, doc: connector.doc)
                if !step.action.isMissing {
                    action = connector.action(step.action.name)
                    if let action {
                        reference(.action, action.name, at: step.action.span, declaration: action.span, type: action.output, doc: action.doc)
                    }
                    if action == nil {
                        let suggestions = Suggestions.closest(to: step.action.name, among: connector.actions.map(\.name))
                        bag.error(.unknownAction, "connector '\(connector.name)' has no action '\(step.action.name)'", at: step.action.span,
                                  notes: connector.actions.isEmpty ? [] : [Diagnostic.Note("its actions are: \(connector.actions.map(\.name).joined(separator: ", "))")],
                                  help: Suggestions.help(suggestions), fixes: fixes(for: suggestions, at: step.action.span))
                    }
                }
            } else {
                let suggestions = Suggestions.closest(to: step.connector.name, among: connectors.keys)
                bag.error(.unknownConnector, "no connector named '\(step.connector.name)'", at: step.connector.span,
                          help: Suggestions.help(suggestions) + (suggestions.isEmpty ? ["declare it with 'connector \(step.connector.name) { … }'"] : []),
                          fixes: fixes(for: suggestions, at: step.connector.span))
                connectorName = step.connector.name
            }
        }

        var inputs: [(name: String, value: TypedExpression)] = []
        var given: [String: Span] = [:]
        currentStep = step.name.isMissing ? nil : step.name.name
        defer { currentStep = nil }
        for argument in step.arguments where !argument.name.isMissing {
            let value = typeOf(argument.value, scope)
            if let first = given[argument.name.name] {
                duplicate("input '\(argument.name.name)'", argument.name.span, first: first)
                continue
            }
            given[argument.name.name] = argument.name.span
            guard let action else { continue }
            if let field = action.input.field(argument.name.name) {
                reference(.input, field.name, at: argument.name.span, declaration: field.span, type: field.type, doc: field.doc)
            }
            guard let field = action.input.field(argument.name.name) else {
                let remaining = action.input.fields.map(\.name).filter { given[$0] == nil }
                let suggestions = Suggestions.closest(to: argument.name.name, among: remaining)
                bag.error(.unknownInput, "\(step.connector.name).\(action.name) has no input '\(argument.name.name)'", at: argument.name.span,
                          notes: [Diagnostic.Note("its inputs are: \(action.input.fields.map(\.name).joined(separator: ", "))", at: action.span)],
                          help: Suggestions.help(suggestions), fixes: fixes(for: suggestions, at: argument.name.span))
                continue
            }
            expect(value, field.type, "input '\(field.name)' of \(step.connector.name).\(action.name)")
            inputs.append((field.name, value))
        }
        if let action {
            for field in action.input.fields where given[field.name] == nil && !field.type.isOptional && field.type != .error {
                bag.error(.missingInput, "missing input '\(field.name)' (\(field.type.description)) for \(step.connector.name).\(action.name)", at: step.connector.span.merged(with: step.action.span),
                          notes: field.span.map { [Diagnostic.Note("'\(field.name)' is declared here", at: $0)] } ?? [],
                          help: ["add '\(field.name): …' to the step"])
            }
            // Inputs in declaration order, for stable plans.
            let order = Dictionary(uniqueKeysWithValues: action.input.fields.enumerated().map { ($1.name, $0) })
            inputs.sort { (order[$0.name] ?? 0) < (order[$1.name] ?? 0) }
        }
        let output = action?.output ?? .error
        if !step.name.isMissing, currentSteps[step.name.name] == step.name.span {
            scope.steps[step.name.name] = output
            reference(.step, step.name.name, at: step.name.span, declaration: step.name.span, type: output, doc: step.doc)
        }
        guard !step.name.isMissing else { return nil }
        return StepIR(name: step.name.name, connector: connectorName, action: step.action.name, inputs: inputs, output: output, span: step.span)
    }
}
