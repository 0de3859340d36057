/// "Did you mean" candidates: ranked by edit distance (with transpositions), case
/// differences counting for little, and cut off when nothing is close.
public enum Suggestions {
    /// The closest candidates to `name`, best first; empty when none is close enough.
    public static func closest(to name: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let target = Array(name.lowercased().unicodeScalars)
        guard !target.isEmpty else { return [] }
        let cutoff = max(1, (target.count + 2) / 3)
        var scored: [(Int, String)] = []
        var seen = Set<String>()
        for candidate in candidates where candidate != name && !candidate.isEmpty && seen.insert(candidate).inserted {
            let lowered = Array(candidate.lowercased().unicodeScalars)
            if abs(lowered.count - target.count) > cutoff { continue }
            // Case-only differences rank first, at distance 0.
            let distance = lowered == target ? 0 : editDistance(target, lowered) * 2
            if distance <= cutoff * 2 { scored.append((distance, candidate)) }
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return scored.prefix(limit).map(\.1)
    }

    /// The help line for a set of suggestions, or nil.
    public static func help(_ suggestions: [String]) -> [String] {
        guard let first = suggestions.first else { return [] }
        if suggestions.count == 1 { return ["did you mean '\(first)'?"] }
        return ["did you mean '\(first)'? (or \(suggestions.dropFirst().map { "'\($0)'" }.joined(separator: ", ")))"]
    }

    /// Optimal string alignment distance.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
