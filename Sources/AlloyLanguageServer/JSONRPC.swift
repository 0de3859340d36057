import AlloyCore
#if canImport(Glibc)
import Glibc
#endif

/// JSON-RPC 2.0 messages over a byte stream with `Content-Length` framing, as the Language
/// Server Protocol uses on stdio.
struct MessageReader {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// Why reading stopped.
    enum End: Error { case closed, malformed(String) }

    /// The next message body, or an error at end of input or on a broken frame.
    mutating func next() throws(End) -> [UInt8] {
        var contentLength: Int?
        // Headers: lines until an empty line.
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { throw .malformed("bad header line '\(text)'") }
            let name = text[..<colon].lowercased()
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" {
                guard let length = Int(value), length >= 0, length <= 64 << 20 else { throw .malformed("bad Content-Length '\(value)'") }
                contentLength = length
            }
        }
        guard let length = contentLength else { throw .malformed("a message without Content-Length") }
        while buffer.count < length { try fill() }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return body
    }

    private mutating func readLine() throws(End) -> [UInt8] {
        while true {
            if let index = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[0..<index])
                buffer.removeFirst(index + 1)
                if line.last == 0x0D { line.removeLast() }
                return line
            }
            if buffer.count > 64 * 1024 { throw .malformed("header line too long") }
            try fill()
        }
    }

    private mutating func fill() throws(End) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { return }
        guard count > 0 else { throw .closed }
        buffer.append(contentsOf: chunk[0..<count])
    }
}

/// Writes framed messages.
struct MessageWriter {
    let fd: Int32

    func send(_ message: JSONValue) {
        let body = message.serializedBytes()
        let bytes = Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count <= 0 {
                if count < 0 && errno == EINTR { continue }
                return
            }
            written += count
        }
    }
}

import Foundation
