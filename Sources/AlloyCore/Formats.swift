/// The string formats the language checks: in sample literals at compile time and in
/// event data at run time. Both sides use this one definition so they agree.
public enum StringFormat: String, Sendable, CaseIterable {
    case email = "Email"
    case url = "URL"
    case dateTime = "DateTime"

    /// Why `value` is not in this format, or nil when it is.
    public func problem(_ value: String) -> String? {
        switch self {
        case .email: return StringFormat.isEmail(value) ? nil : "\"\(value)\" is not an email address"
        case .url: return StringFormat.isURL(value) ? nil : "\"\(value)\" is not an absolute http(s) URL"
        case .dateTime: return StringFormat.isDateTime(value) ? nil : "\"\(value)\" is not an RFC 3339 date-time"
        }
    }

    /// A simplified RFC 5322 addr-spec: a dot-atom local part, '@', and a domain of at least
    /// two dot-separated labels of letters, digits and inner hyphens.
    public static func isEmail(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let at = bytes.lastIndex(of: 0x40), at > 0, at < bytes.count - 1, bytes.count <= 254 else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard local.count <= 64 else { return false }
        for atom in local.split(separator: 0x2E, omittingEmptySubsequences: false) {
            guard !atom.isEmpty, atom.allSatisfy(isAtomByte) else { return false }
        }
        let labels = domain.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != 0x2D, label.last != 0x2D,
                  label.allSatisfy({ isAlphaNumeric($0) || $0 == 0x2D }) else { return false }
        }
        return true
    }

    /// An absolute `http` or `https` URL with a host and no whitespace or control characters.
    public static func isURL(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        let lower = bytes.prefix(8).map { $0 | 0x20 }
        let schemeLength: Int
        if lower.starts(with: Array("https://".utf8)) { schemeLength = 8 }
        else if lower.starts(with: Array("http://".utf8)) { schemeLength = 7 }
        else { return false }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return false }
        let rest = bytes[schemeLength...]
        let hostEnd = rest.firstIndex { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 } ?? rest.endIndex
        var host = rest[rest.startIndex..<hostEnd]
        if let at = host.lastIndex(of: 0x40) { host = host[(at + 1)...] }
        guard !host.isEmpty, host.first != 0x3A else { return false }
        return true
    }

    /// An RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, with real calendar dates.
    public static func isDateTime(_ value: String) -> Bool {
        let b = Array(value.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var result = 0
            for index in start..<(start + count) {
                guard b[index] >= 0x30, b[index] <= 0x39 else { return nil }
                result = result * 10 + Int(b[index] - 0x30)
            }
            return result
        }
        guard b.count >= 20, let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D,
              let day = digits(8, 2), b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
              let hour = digits(11, 2), b[13] == 0x3A, let minute = digits(14, 2), b[16] == 0x3A,
              let second = digits(17, 2) else { return false }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return false }
        var index = 19
        if b[index] == 0x2E {
            index += 1
            let start = index
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 { index += 1 }
            guard index > start else { return false }
        }
        guard index < b.count else { return false }
        if b[index] == 0x5A || b[index] == 0x7A { return index + 1 == b.count }
        guard b[index] == 0x2B || b[index] == 0x2D, index + 6 == b.count,
              let offsetHour = digits(index + 1, 2), b[index + 3] == 0x3A,
              let offsetMinute = digits(index + 4, 2) else { return false }
        return offsetHour <= 23 && offsetMinute <= 59
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func isAlphaNumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func isAtomByte(_ byte: UInt8) -> Bool {
        if isAlphaNumeric(byte) { return true }
        // RFC 5322 atext specials, plus UTF-8 for internationalised local parts.
        return Array("!#$%&'*+/=?^_`{|}~-".utf8).contains(byte) || byte >= 0x80
    }
}
