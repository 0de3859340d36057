/// A small, strict argument parser: known options only, values as `--name value` or
/// `--name=value`, `--` ends options, and `-` is a positional (standard input).
public struct Arguments {
    public var positionals: [String] = []
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var wantsHelp = false

    /// `options` maps each option name (with dashes) to whether it takes a value; `aliases`
    /// maps short names to long ones.
    public init(_ arguments: [String], command: String, options: [String: Bool], aliases: [String: String] = [:]) throws {
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(argument)
                continue
            }
            if argument == "--" { optionsEnded = true; continue }
            if argument == "-h" || argument == "--help" { wantsHelp = true; continue }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            name = aliases[name] ?? name
            guard let takesValue = options[name] else {
                let suggestion = Suggestions.closest(to: name, among: options.keys)
                throw UsageError("unknown option '\(name)' for '\(command)'",
                                 hint: suggestion.first.map { "did you mean '\($0)'?" } ?? "run '\(command) --help' to see its options")
            }
            if takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw UsageError("option '\(name)' needs a value", hint: "run '\(command) --help' to see its options")
                }
                values[name, default: []].append(value)
            } else {
                if inlineValue != nil { throw UsageError("option '\(name)' does not take a value") }
                flags.insert(name)
            }
        }
    }

    /// The single value of an option, or nil; given twice is an error.
    public func value(_ name: String) throws -> String? {
        guard let all = values[name] else { return nil }
        if all.count > 1 { throw UsageError("option '\(name)' is given more than once") }
        return all[0]
    }

    /// The value of an option that must be one of `choices`.
    public func choice<T: RawRepresentable>(_ name: String, default fallback: T, _ all: [T]) throws -> T where T.RawValue == String {
        guard let raw = try value(name) else { return fallback }
        guard let chosen = T(rawValue: raw) else {
            throw UsageError("invalid value '\(raw)' for '\(name)': expected one of \(all.map(\.rawValue).joined(separator: ", "))")
        }
        return chosen
    }
}

import AlloyCore
