import AlloyCore

extension Checker {
    // MARK: Uses

    /// Reports when `value` cannot be used where `target` is wanted.
    mutating func expect(_ value: TypedExpression, _ target: AlloyType, _ context: String) {
        switch value.type.assignable(to: target) {
        case .yes:
            return
        case .optional:
            reportOptional(value, wanted: target.description, context: context, operand: false)
        case .invalidLiteral(let problem):
            bag.error(.invalidLiteral, "\(problem), as \(context) requires (\(target.description))", at: value.span)
        case .no:
            bag.error(.typeMismatch, "\(context) expects \(target.description), but this is \(value.type.description)", at: value.span,
                      help: conversionHelp(from: value.type, to: target))
        }
    }

    private func conversionHelp(from source: AlloyType, to target: AlloyType) -> [String] {
        if target.unwrapped == .string && source.unwrapped.isScalar { return ["convert it with string(…) or interpolate it: \"{{…}}\""] }
        if case .array = source.unwrapped, target.unwrapped.isStringLike { return ["join the elements with join(…, \", \")"] }
        return []
    }

    mutating func expectBool(_ value: TypedExpression, _ context: String) {
        if value.type.isError || value.type == .bool { return }
        if value.type == .optional(.bool) {
            reportOptional(value, wanted: "Bool", context: context, operand: false)
            return
        }
        bag.error(.typeMismatch, "\(context) must be Bool, but this is \(value.type.description)", at: value.span,
                  help: value.type.isOptional ? ["test it with '!= null'"] : [])
    }

    /// `optional-value`, with a `?? default` fix-it when a default is obvious.
    mutating func reportOptional(_ value: TypedExpression, wanted: String, context: String, operand: Bool) {
        let inner = value.type.unwrapped
        var fixes: [Diagnostic.FixIt] = []
        var help: [String] = []
        if let fallback = Checker.defaultLiteral(for: inner) {
            let text = sourceText(value.span)
            let replacement = operand ? "(\(text) ?? \(fallback))" : "\(text) ?? \(fallback)"
            fixes.append(Diagnostic.FixIt("provide a default with '?? \(fallback)'", span: value.span, replacement: replacement))
            help.append("provide a default: \(replacement)")
        } else {
            help.append("provide a default with '?? …', or test it with 'if … != null'")
        }
        bag.error(.optionalValue, "\(context) needs \(wanted), but this value is optional (\(value.type.description))", at: value.span,
                  help: help, fixes: fixes)
    }

    static func defaultLiteral(for type: AlloyType) -> String? {
        switch type {
        case .string, .literals: return "\"\""
        case .int, .number: return "0"
        case .bool: return "false"
        case .array: return "[]"
        default: return nil
        }
    }

    // MARK: Typing

    func pathKey(_ expression: Expression) -> String? {
        switch expression.kind {
        case .name(let name): return name
        case .member(let base, let field): return pathKey(base).map { "\($0).\(field.name)" }
        default: return nil
        }
    }

    /// Paths proven non-null when a condition is true, and when it is false.
    func nullFacts(_ condition: Expression, _ scope: Scope) -> (whenTrue: Set<String>, whenFalse: Set<String>) {
        switch condition.kind {
        case .binary(.notEqual, let a, let b), .binary(.equal, let a, let b):
            let isNotEqual: Bool
            if case .binary(.notEqual, _, _) = condition.kind { isNotEqual = true } else { isNotEqual = false }
            var path: String?
            if case .null = b.kind { path = pathKey(a) } else if case .null = a.kind { path = pathKey(b) }
            guard let path else { return ([], []) }
            return isNotEqual ? ([path], []) : ([], [path])
        case .binary(.and, let a, let b):
            let left = nullFacts(a, scope), right = nullFacts(b, scope)
            return (left.whenTrue.union(right.whenTrue), [])
        case .binary(.or, let a, let b):
            let left = nullFacts(a, scope), right = nullFacts(b, scope)
            return ([], left.whenFalse.union(right.whenFalse))
        case .unary(.not, let inner):
            let facts = nullFacts(inner, scope)
            return (facts.whenFalse, facts.whenTrue)
        default:
            return ([], [])
        }
    }

    private func narrow(_ type: AlloyType, _ expression: Expression, _ scope: Scope) -> AlloyType {
        guard !scope.narrowed.isEmpty, type.isOptional, let key = pathKey(expression), scope.narrowed.contains(key) else { return type }
        return type.unwrapped
    }

    /// Types an expression, reporting what is wrong inside it.
    mutating func typeOf(_ expression: Expression, _ scope: Scope) -> TypedExpression {
        let span = expression.span
        func typed(_ kind: TypedExpression.Kind, _ type: AlloyType) -> TypedExpression {
            TypedExpression(kind: kind, type: type, span: span)
        }
        switch expression.kind {
        case .missing:
            return typed(.literal(.null), .error)
        case .null:
            return typed(.literal(.null), .null)
        case .bool(let value):
            return typed(.literal(.bool(value)), .bool)
        case .int(let value):
            return typed(.literal(.int(value)), .int)
        case .number(let value):
            return typed(.literal(.number(value)), .number)
        case .string(let parts):
            if let plain = expression.plainString {
                return typed(.literal(.string(plain)), .literals([plain]))
            }
            var typedParts: [TypedExpression.InterpolationPart] = []
            for part in parts {
                switch part {
                case .text(let text, _):
                    typedParts.append(.text(text))
                case .interpolation(let inner):
                    let value = typeOf(inner, scope)
                    checkInterpolated(value)
                    typedParts.append(.value(value))
                }
            }
            return typed(.interpolation(typedParts), .string)
        case .array(let elements):
            var element: AlloyType = .nothing
            var values: [TypedExpression] = []
            for item in elements {
                let value = typeOf(item, scope)
                values.append(value)
                if let joined = element.joined(with: value.type) {
                    element = joined
                } else {
                    bag.error(.typeMismatch, "array elements must share a type: \(value.type.description) does not fit \(element.description)", at: value.span)
                    element = .error
                }
            }
            return typed(.array(values), .array(element))
        case .object(let entries):
            var fields: [AlloyType.Field] = []
            var members: [(String, TypedExpression)] = []
            var seen: [String: Span] = [:]
            for entry in entries {
                let value = typeOf(entry.value, scope)
                if let first = seen[entry.key.name] {
                    duplicate("key '\(entry.key.name)'", entry.key.span, first: first)
                    continue
                }
                seen[entry.key.name] = entry.key.span
                fields.append(AlloyType.Field(name: entry.key.name, type: value.type))
                members.append((entry.key.name, value))
            }
            return typed(.object(members), .record(AlloyType.Record(fields: fields)))
        case .name(let name):
            return typeName(name, expression, scope)
        case .member(let base, let field):
            if case .name("steps") = base.kind, scope.variables["steps"] == nil, scope.inWorkflow {
                return typeStep(field, expression, scope)
            }
            let typedBase = typeOf(base, scope)
            return typeMember(typedBase, field, expression, scope)
        case .index(let base, let indexExpression):
            let typedBase = typeOf(base, scope)
            let index = typeOf(indexExpression, scope)
            if index.type.isOptional && !index.type.isError {
                reportOptional(index, wanted: "Int", context: "an index", operand: false)
            } else if index.type != .int && !index.type.isError {
                bag.error(.typeMismatch, "an index must be Int, but this is \(index.type.description)", at: index.span)
            }
            switch typedBase.type {
            case .array(let element):
                return typed(.index(typedBase, index), element.optional)
            case .optional(.array(let element)):
                return typed(.index(typedBase, index), element.optional)
            case .error:
                return typed(.index(typedBase, index), .error)
            case .json:
                bag.error(.typeMismatch, "a JSON value is opaque: it can be passed on, not indexed", at: typedBase.span)
                return typed(.index(typedBase, index), .error)
            case let other:
                bag.error(.typeMismatch, "only arrays can be indexed, but this is \(other.description)", at: typedBase.span)
                return typed(.index(typedBase, index), .error)
            }
        case .call(let callee, let arguments):
            return typeCall(callee, arguments, expression, scope)
        case .unary(let op, let operand):
            let value = typeOf(operand, scope)
            switch op {
            case .not:
                expectOperand(value, "'!'", wantBool: true)
                return typed(.unary(op, value), value.type.isError ? .error : .bool)
            case .negate:
                let type = numericOperand(value, "'-'")
                return typed(.unary(op, value), type)
            }
        case .binary(let op, let left, let right):
            return typeBinary(op, left, right, expression, scope)
        case .conditional(let condition, let then, let otherwise):
            let typedCondition = typeOf(condition, scope)
            expectBool(typedCondition, "the condition of '?:'")
            let facts = nullFacts(condition, scope)
            var thenScope = scope
            thenScope.narrowed.formUnion(facts.whenTrue)
            var elseScope = scope
            elseScope.narrowed.formUnion(facts.whenFalse)
            let a = typeOf(then, thenScope)
            let b = typeOf(otherwise, elseScope)
            guard let type = a.type.joined(with: b.type) else {
                bag.error(.typeMismatch, "the branches of '?:' have different types: \(a.type.description) and \(b.type.description)", at: span)
                return typed(.conditional(typedCondition, a, b), .error)
            }
            return typed(.conditional(typedCondition, a, b), type)
        }
    }

    private mutating func typeName(_ name: String, _ expression: Expression, _ scope: Scope) -> TypedExpression {
        let span = expression.span
        if let variable = scope.variables[name] {
            reference(.variable, name, at: span, declaration: scope.variableSpans[name], type: variable)
            return TypedExpression(kind: .root(.variable(name)), type: narrow(variable, expression, scope), span: span)
        }
        if scope.inWorkflow {
            switch name {
            case "event": return TypedExpression(kind: .root(.event), type: scope.event, span: span)
            case "user": return TypedExpression(kind: .root(.user), type: Checker.userType, span: span)
            case "steps":
                bag.error(.unknownStep, "'steps' must be followed by a step name, as in steps.notify", at: span)
                return TypedExpression(kind: .literal(.null), type: .error, span: span)
            default: break
            }
        } else if name == "input", let input = scope.input {
            return TypedExpression(kind: .root(.input), type: .record(input), span: span)
        }
        let roots = scope.inWorkflow ? ["event", "steps", "user"] : (scope.input == nil ? [] : ["input"])
        let candidates = roots + Array(scope.variables.keys)
        let suggestions = Suggestions.closest(to: name, among: candidates)
        var help = Suggestions.help(suggestions)
        if Function(rawValue: name) != nil { help.append("'\(name)' is a function: call it as \(name)(…)") }
        if name == "input" && scope.inWorkflow { help.append("'input' is only available in an action's path; a step's inputs are named directly") }
        if help.isEmpty, !roots.isEmpty {
            help.append("an expression starts from \(roots.map { "'\($0)'" }.joined(separator: ", "))\(scope.variables.isEmpty ? "" : " or a loop variable")")
        }
        bag.error(.unknownName, "unknown name '\(name)'", at: span, help: help, fixes: fixes(for: suggestions, at: span))
        return TypedExpression(kind: .literal(.null), type: .error, span: span)
    }

    static let userType = AlloyType.record(AlloyType.Record(name: "User", fields: [
        AlloyType.Field(name: "id", type: .string, doc: "The id of the end user the event was sent for."),
    ]))

    private mutating func typeStep(_ field: Identifier, _ expression: Expression, _ scope: Scope) -> TypedExpression {
        let span = expression.span
        let name = field.name
        let error = TypedExpression(kind: .literal(.null), type: .error, span: span)
        guard !field.isMissing else { return error }
        if let type = scope.steps[name] {
            reference(.step, name, at: field.span, declaration: currentSteps[name], type: type)
            return TypedExpression(kind: .root(.step(name)), type: narrow(type, expression, scope), span: span)
        }
        if let declared = currentSteps[name] {
            let location = files[declared.file].location(of: declared.start)
            if name == currentStep {
                bag.error(.unknownStep, "step '\(name)' cannot use its own output: it is not known until the step has run", at: field.span,
                          notes: [Diagnostic.Note("'\(name)' is declared here", at: declared)])
            } else if declared.start >= field.span.start {
                bag.error(.unknownStep, "step '\(name)' is declared later, at line \(location.line); a step can only use steps that run before it", at: field.span,
                          notes: [Diagnostic.Note("'\(name)' is declared here", at: declared)])
            } else {
                bag.error(.unknownStep, "step '\(name)' does not run on every path to here", at: field.span,
                          notes: [Diagnostic.Note("'\(name)' is declared here, inside a block that does not enclose this use", at: declared)],
                          help: ["use it inside the same block, or after the block, where it is optional"])
            }
            return error
        }
        let suggestions = Suggestions.closest(to: name, among: scope.steps.keys)
        bag.error(.unknownStep, "no step named '\(name)'", at: field.span,
                  help: Suggestions.help(suggestions), fixes: fixes(for: suggestions, at: field.span))
        return error
    }

    private mutating func typeMember(_ base: TypedExpression, _ field: Identifier, _ expression: Expression, _ scope: Scope) -> TypedExpression {
        let span = expression.span
        guard !field.isMissing else { return TypedExpression(kind: .member(base, ""), type: .error, span: span) }
        let kind = TypedExpression.Kind.member(base, field.name)
        switch base.type {
        case .error:
            return TypedExpression(kind: kind, type: .error, span: span)
        case .record(let record), .optional(.record(let record)):
            if let found = record.field(field.name) {
                let type = base.type.isOptional ? found.type.optional : found.type
                reference(.field, found.name, at: field.span, declaration: found.span, type: found.type, doc: found.doc)
                return TypedExpression(kind: kind, type: narrow(type, expression, scope), span: span)
            }
            let suggestions = Suggestions.closest(to: field.name, among: record.fields.map(\.name))
            let owner: String
            if case .root(.event) = base.kind, let event = scope.eventName { owner = "event \"\(event)\"" } else { owner = "type \(base.type.unwrapped.description)" }
            bag.error(.unknownField, "\(owner) has no field '\(field.name)'", at: field.span,
                      notes: record.fields.isEmpty || !suggestions.isEmpty ? [] : [Diagnostic.Note("its fields are: \(record.fields.prefix(12).map(\.name).joined(separator: ", "))")],
                      help: Suggestions.help(suggestions), fixes: fixes(for: suggestions, at: field.span))
            return TypedExpression(kind: kind, type: .error, span: span)
        case .json, .optional(.json):
            bag.error(.typeMismatch, "a JSON value is opaque: it can be passed on, but '.\(field.name)' cannot be read from it", at: field.span,
                      help: ["declare the shape as a type instead of JSON to read its fields"])
            return TypedExpression(kind: kind, type: .error, span: span)
        case .array, .optional(.array):
            bag.error(.unknownField, "\(base.type.description) is an array and has no field '\(field.name)'", at: field.span,
                      help: ["loop over it with 'for item in …', index it with [0], or take its length with len(…)"])
            return TypedExpression(kind: kind, type: .error, span: span)
        case let other:
            bag.error(.unknownField, "\(other.description) has no field '\(field.name)'", at: field.span)
            return TypedExpression(kind: kind, type: .error, span: span)
        }
    }

    private mutating func typeCall(_ callee: Expression, _ arguments: [Expression], _ expression: Expression, _ scope: Scope) -> TypedExpression {
        let span = expression.span
        let values = arguments.map { typeOf($0, scope) }
        let error = TypedExpression(kind: .literal(.null), type: .error, span: span)
        guard case .name(let name) = callee.kind else {
            bag.error(.unknownFunction, "only library functions can be called, as in upper(x)", at: callee.span,
                      help: ["the functions are: \(Function.allCases.map(\.rawValue).joined(separator: ", "))"])
            return error
        }
        guard let function = Function(rawValue: name) else {
            let suggestions = Suggestions.closest(to: name, among: Function.allCases.map(\.rawValue))
            bag.error(.unknownFunction, "unknown function '\(name)'", at: callee.span,
                      help: Suggestions.help(suggestions) + (suggestions.isEmpty ? ["the functions are: \(Function.allCases.map(\.rawValue).joined(separator: ", "))"] : []),
                      fixes: fixes(for: suggestions, at: callee.span))
            return error
        }
        let arity = function == .join || function == .contains ? 2 : 1
        guard values.count == arity else {
            bag.error(.unknownFunction, "'\(name)' takes \(arity) argument\(arity == 1 ? "" : "s"), but \(values.count) \(values.count == 1 ? "was" : "were") given", at: span,
                      help: [Checker.signature(function)])
            return error
        }
        if values.contains(where: { $0.type.isError }) {
            return TypedExpression(kind: .call(function, values), type: Checker.resultType(function), span: span)
        }
        for value in values where value.type.isOptional {
            reportOptional(value, wanted: "a value", context: "an argument of '\(name)'", operand: true)
            return TypedExpression(kind: .call(function, values), type: Checker.resultType(function), span: span)
        }
        func mismatch(_ value: TypedExpression, _ wanted: String) {
            bag.error(.typeMismatch, "'\(name)' expects \(wanted), but this is \(value.type.description)", at: value.span, help: [Checker.signature(function)])
        }
        switch function {
        case .upper, .lower, .trim:
            if !values[0].type.isStringLike { mismatch(values[0], "a String") }
        case .len:
            if case .array = values[0].type {} else if !values[0].type.isStringLike { mismatch(values[0], "a String or an array") }
        case .join:
            if case .array(let element) = values[0].type, element.isStringLike || element == .nothing {} else { mismatch(values[0], "[String]") }
            if !values[1].type.isStringLike { mismatch(values[1], "a String separator") }
        case .string:
            if !values[0].type.isScalar { mismatch(values[0], "a String, Int, Number or Bool") }
        case .contains:
            switch values[0].type {
            case let type where type.isStringLike:
                if !values[1].type.isStringLike { mismatch(values[1], "a String to look for") }
            case .array(let element):
                if !comparable(element, values[1].type) { mismatch(values[1], "a value of the array's element type \(element.description)") }
            default:
                mismatch(values[0], "a String or an array")
            }
        }
        return TypedExpression(kind: .call(function, values), type: Checker.resultType(function), span: span)
    }

    static func resultType(_ function: Function) -> AlloyType {
        switch function {
        case .upper, .lower, .trim, .join, .string: return .string
        case .len: return .int
        case .contains: return .bool
        }
    }

    static func signature(_ function: Function) -> String {
        switch function {
        case .upper: return "upper(String) -> String"
        case .lower: return "lower(String) -> String"
        case .trim: return "trim(String) -> String"
        case .len: return "len(String or [T]) -> Int"
        case .join: return "join([String], String) -> String"
        case .string: return "string(String, Int, Number or Bool) -> String"
        case .contains: return "contains(String, String) -> Bool, or contains([T], T) -> Bool"
        }
    }

    func comparable(_ a: AlloyType, _ b: AlloyType) -> Bool {
        let x = a.unwrapped, y = b.unwrapped
        if x.isError || y.isError || a == .null || b == .null { return true }
        if x.isNumeric && y.isNumeric { return true }
        if x.isStringLike && y.isStringLike { return true }
        if x == .bool && y == .bool { return true }
        return false
    }

    private mutating func expectOperand(_ value: TypedExpression, _ op: String, wantBool: Bool) {
        if value.type.isError || value.type == .bool { return }
        if value.type == .optional(.bool) {
            reportOptional(value, wanted: "Bool", context: "\(op)", operand: true)
            return
        }
        bag.error(.typeMismatch, "\(op) needs Bool operands, but this is \(value.type.description)", at: value.span)
    }

    /// Checks a numeric operand and returns its type (`.error` when wrong).
    private mutating func numericOperand(_ value: TypedExpression, _ op: String) -> AlloyType {
        if value.type.isError || value.type.isNumeric { return value.type }
        if value.type.isOptional && value.type.unwrapped.isNumeric {
            reportOptional(value, wanted: value.type.unwrapped.description, context: op, operand: true)
            return .error
        }
        bag.error(.typeMismatch, "\(op) needs numbers, but this is \(value.type.description)", at: value.span)
        return .error
    }

    private mutating func typeBinary(_ op: Expression.BinaryOperator, _ left: Expression, _ right: Expression, _ expression: Expression, _ scope: Scope) -> TypedExpression {
        let span = expression.span
        var rightScope = scope
        if op == .and { rightScope.narrowed.formUnion(nullFacts(left, scope).whenTrue) }
        if op == .or { rightScope.narrowed.formUnion(nullFacts(left, scope).whenFalse) }
        let a = typeOf(left, scope)
        let b = typeOf(right, rightScope)
        func result(_ type: AlloyType) -> TypedExpression {
            TypedExpression(kind: .binary(op, a, b), type: type, span: span)
        }
        if a.type.isError || b.type.isError {
            switch op {
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .and, .or: return result(.bool)
            default: return result(.error)
            }
        }
        let symbol = "'\(op.rawValue)'"
        switch op {
        case .coalesce:
            if case .null = a.type { return result(b.type) }
            guard a.type.isOptional else {
                return result(a.type)
            }
            let inner = a.type.unwrapped
            if b.type.assignable(to: inner) == .yes { return result(b.type.isOptional ? inner.optional : inner) }
            if let joined = inner.joined(with: b.type) { return result(joined) }
            bag.error(.typeMismatch, "the default after '??' must be \(inner.description), but this is \(b.type.description)", at: b.span)
            return result(.error)
        case .or, .and:
            expectOperand(a, symbol, wantBool: true)
            expectOperand(b, symbol, wantBool: true)
            return result(.bool)
        case .equal, .notEqual:
            if case .literals(let allowed) = a.type.unwrapped, case .literals(let values) = b.type, values.count == 1, !allowed.contains(values[0]) {
                bag.error(.invalidLiteral, "\"\(values[0])\" is never equal to \(a.type.description)", at: b.span,
                          help: Suggestions.help(Suggestions.closest(to: values[0], among: allowed)))
                return result(.bool)
            }
            if case .literals(let allowed) = b.type.unwrapped, case .literals(let values) = a.type, values.count == 1, !allowed.contains(values[0]) {
                bag.error(.invalidLiteral, "\"\(values[0])\" is never equal to \(b.type.description)", at: a.span,
                          help: Suggestions.help(Suggestions.closest(to: values[0], among: allowed)))
                return result(.bool)
            }
            if !comparable(a.type, b.type) {
                bag.error(.typeMismatch, "cannot compare \(a.type.description) with \(b.type.description)", at: span,
                          help: ["'==' and '!=' compare strings, numbers and booleans"])
            }
            return result(.bool)
        case .less, .lessEqual, .greater, .greaterEqual:
            for value in [a, b] where value.type.isOptional {
                reportOptional(value, wanted: "a value", context: symbol, operand: true)
                return result(.bool)
            }
            if !(a.type.isNumeric && b.type.isNumeric) && !(a.type.isStringLike && b.type.isStringLike) {
                bag.error(.typeMismatch, "\(symbol) needs two numbers or two strings, but these are \(a.type.description) and \(b.type.description)", at: span)
            }
            return result(.bool)
        case .add:
            for value in [a, b] where value.type.isOptional {
                reportOptional(value, wanted: "a value", context: symbol, operand: true)
                return result(.error)
            }
            if a.type.isNumeric && b.type.isNumeric { return result(a.type == .int && b.type == .int ? .int : .number) }
            if a.type.isStringLike && b.type.isStringLike { return result(.string) }
            bag.error(.typeMismatch, "'+' adds two numbers or joins two strings, but these are \(a.type.description) and \(b.type.description)", at: span,
                      help: a.type.isScalar && b.type.isScalar ? ["interpolate instead: \"{{…}}{{…}}\""] : [])
            return result(.error)
        case .subtract, .multiply, .remainder:
            let x = numericOperand(a, symbol), y = numericOperand(b, symbol)
            if x.isError || y.isError { return result(.error) }
            return result(x == .int && y == .int ? .int : .number)
        case .divide:
            let x = numericOperand(a, symbol), y = numericOperand(b, symbol)
            if x.isError || y.isError { return result(.error) }
            return result(.number)
        }
    }

    mutating func checkInterpolated(_ value: TypedExpression) {
        let type = value.type
        if type.isError || type.isScalar { return }
        if type.isOptional && type.unwrapped.isScalar {
            reportOptional(value, wanted: "a value", context: "interpolation", operand: false)
            return
        }
        if type == .null {
            bag.error(.typeMismatch, "interpolating null prints nothing useful", at: value.span)
            return
        }
        var help: [String] = []
        if case .array = type.unwrapped { help.append("join the elements: {{join(…, \", \")}}") }
        bag.error(.typeMismatch, "only strings, numbers and booleans can be interpolated, but this is \(type.description)", at: value.span, help: help)
    }
}
