import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 request as the server hands it to a handler.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query string.
    public var path: String
    public var query: String?
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]
}

/// A response to write back.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// For HEAD: the length the body would have had.
    var headLength: Int?

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    public static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        default: return "Status \(status)"
        }
    }
}

/// Why a server could not start.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// A small HTTP/1.1 server on the system socket API: one thread accepts, connections are
/// served concurrently, keep-alive is supported, and a bad request, a slow client or a
/// dropped connection affects only its own connection.
public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// Bodies larger than this are answered with 413.
    public let maxBodySize: Int
    public static let maxHeaderSize = 32 * 1024
    /// A client that sends nothing for this long is disconnected.
    public let idleTimeout: Int

    private let handler: Handler
    private var listener: Int32 = -1
    private let lock = NSLock()
    private var connections = Set<Int32>()
    private var stopped = false
    private let acceptThread = DispatchQueue(label: "alloy.http.accept")
    private let acceptDone = DispatchSemaphore(value: 0)

    /// The port the server listens on (useful with port 0).
    public private(set) var port: Int = 0

    public init(maxBodySize: Int = 1 << 20, idleTimeout: Int = 10, handler: @escaping Handler) {
        self.maxBodySize = maxBodySize
        self.idleTimeout = idleTimeout
        self.handler = handler
    }

    /// Binds and starts serving; returns once the socket is listening.
    public func start(host: String = "127.0.0.1", port: Int = 0) throws(ServerError) {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError(description: "cannot create a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
            close(fd)
            throw ServerError(description: "invalid host \(host): give an IPv4 address such as 127.0.0.1 or 0.0.0.0")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ServerError(description: "cannot listen on \(host):\(port): \(reason)")
        }
        guard listen(fd, 512) == 0 else {
            close(fd)
            throw ServerError(description: "cannot listen: \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
        acceptThread.async { [self] in acceptLoop(fd) }
    }

    /// Stops accepting, closes open connections and waits for the accept loop to end.
    public func stop() {
        lock.lock()
        if stopped { lock.unlock(); return }
        stopped = true
        let fd = listener
        let open = connections
        lock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        for connection in open { shutdown(connection, Int32(SHUT_RDWR)) }
        acceptDone.wait()
    }

    private func acceptLoop(_ fd: Int32) {
        defer { acceptDone.signal() }
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE { usleep(10_000); continue }
                return
            }
            lock.lock()
            if stopped { lock.unlock(); close(client); return }
            connections.insert(client)
            lock.unlock()
            var timeout = timeval(tv_sec: idleTimeout, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var noDelay: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            // A thread per connection: a slow client blocks only its own thread.
            let thread = Thread { [self] in
                serve(client)
                lock.lock()
                connections.remove(client)
                lock.unlock()
                close(client)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Serves requests on one connection until it closes, errs or asks to close.
    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        func fill() -> Bool {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        while true {
            // Read the head.
            var headEnd: Int?
            while headEnd == nil {
                headEnd = HTTPServer.findHeadEnd(buffer)
                if headEnd != nil { break }
                if buffer.count > HTTPServer.maxHeaderSize {
                    write(fd, .json(431, #"{"error":"request headers too large"}"#), close: true)
                    return
                }
                guard fill() else { return }
            }
            guard let end = headEnd else { return }
            guard var request = HTTPServer.parseHead(Array(buffer[0..<end])) else {
                write(fd, .json(400, #"{"error":"malformed HTTP request"}"#), close: true)
                return
            }
            buffer.removeFirst(end + 4)
            if request.headers["transfer-encoding"] != nil {
                write(fd, .json(411, #"{"error":"send the body with Content-Length; chunked bodies are not supported"}"#), close: true)
                return
            }
            let length: Int
            if let raw = request.headers["content-length"] {
                guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                    write(fd, .json(400, #"{"error":"invalid Content-Length"}"#), close: true)
                    return
                }
                length = value
            } else {
                length = 0
            }
            if length > maxBodySize {
                write(fd, .json(413, #"{"error":"the body is larger than the limit of \#(maxBodySize) bytes"}"#), close: true)
                lingeringClose(fd)
                return
            }
            while buffer.count < length {
                guard fill() else { return }
            }
            request.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            let closeAfter = request.headers["connection"]?.lowercased() == "close"
            var response = handler(request)
            if request.method == "HEAD" {
                response.headLength = response.body.count
                response.body = []
            }
            guard write(fd, response, close: closeAfter) else { return }
            if closeAfter { return }
        }
    }

    /// After answering a request whose body was not read, reads and drops what the client
    /// is still sending (for a while) so that closing does not reset the connection before
    /// the client has read the answer.
    private func lingeringClose(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let deadline = Date().addingTimeInterval(2)
        var drained = 0
        while Date() < deadline && drained < 256 << 20 {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            drained += count
        }
    }

    static func findHeadEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 0x0D && buffer[index + 1] == 0x0A && buffer[index + 2] == 0x0D && buffer[index + 3] == 0x0A {
            return index
        }
        return nil
    }

    static func parseHead(_ bytes: [UInt8]) -> HTTPRequest? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1."), !parts[0].isEmpty, parts[1].hasPrefix("/") else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            guard !name.isEmpty, !name.contains(" ") else { return nil }
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let target = String(parts[1])
        let path: String, query: String?
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = nil
        }
        return HTTPRequest(method: String(parts[0]), path: path, query: query, headers: headers, body: [])
    }

    @discardableResult
    private func write(_ fd: Int32, _ response: HTTPResponse, close: Bool) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(HTTPResponse.reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(response.headLength ?? response.body.count)\r\n"
        if close { head += "Connection: close\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + response.body
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 {
                if count < 0 && errno == EINTR { continue }
                return false
            }
            sent += count
        }
        return true
    }
}
