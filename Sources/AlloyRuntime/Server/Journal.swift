import AlloyCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An append-only journal of accepted events and finished runs, one JSON object a line,
/// made durable with fsync before `append` returns.
///
/// Appends are group-committed: while one thread writes and fsyncs, others queue their
/// records, and the next fsync makes all of them durable at once, so durability costs one
/// fsync per batch rather than one per request.
public final class Journal: @unchecked Sendable {
    /// A record read back at start-up.
    public enum Record: Sendable {
        case accepted(runId: String, event: String, userId: String, eventId: String?, data: JSONValue)
        case finished(runId: String, status: String)
    }

    public let path: String
    private let fd: Int32
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var enqueued: UInt64 = 0
    private var durable: UInt64 = 0
    private var flushing = false
    private var failure: String?
    /// How many fsyncs have been made, for measuring group commit.
    public var syncCount: Int { condition.withLock { syncs } }
    /// How many records have been made durable.
    public var recordCount: Int { condition.withLock { Int(durable) } }
    private var syncs = 0

    /// Opens (creating if needed) the journal in `directory`; returns it with the records
    /// already there. A torn last line from a crash is cut off.
    public static func open(directory: String) throws(PlanLoadError) -> (Journal, [Record]) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PlanLoadError(message: "cannot create the journal directory \(directory): \(error.localizedDescription)")
        }
        let path = directory + "/journal.ndjson"
        var records: [Record] = []
        var keep = 0
        if let data = FileManager.default.contents(atPath: path) {
            let bytes = Array(data)
            var lineStart = 0
            for (index, byte) in bytes.enumerated() where byte == 0x0A {
                if let record = parse(Array(bytes[lineStart..<index])) { records.append(record) }
                lineStart = index + 1
            }
            keep = lineStart
        }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PlanLoadError(message: "cannot open the journal \(path): \(String(cString: strerror(errno)))") }
        // Cut a torn final line: it was never acknowledged, since acknowledgement follows fsync.
        if ftruncate(fd, off_t(keep)) != 0 {
            close(fd)
            throw PlanLoadError(message: "cannot repair the journal \(path): \(String(cString: strerror(errno)))")
        }
        fsync(fd)
        let directoryFD = Glibc.open(directory, O_RDONLY | O_DIRECTORY)
        if directoryFD >= 0 { fsync(directoryFD); close(directoryFD) }
        return (Journal(path: path, fd: fd), records)
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    static func parse(_ line: [UInt8]) -> Record? {
        guard let value = try? JSONReader.parse(line), let type = value["type"]?.stringValue,
              let runId = value["runId"]?.stringValue else { return nil }
        switch type {
        case "accepted":
            guard let event = value["event"]?.stringValue, let userId = value["userId"]?.stringValue, let data = value["data"] else { return nil }
            return .accepted(runId: runId, event: event, userId: userId, eventId: value["eventId"]?.stringValue, data: data)
        case "finished":
            return .finished(runId: runId, status: value["status"]?.stringValue ?? "finished")
        default:
            return nil
        }
    }

    /// Appends a record and returns once it is on disk (written and fsynced).
    public func append(_ record: Record) throws(PlanLoadError) {
        var members: [(String, JSONValue)]
        switch record {
        case .accepted(let runId, let event, let userId, let eventId, let data):
            members = [("type", .string("accepted")), ("runId", .string(runId)), ("event", .string(event)), ("userId", .string(userId))]
            if let eventId { members.append(("eventId", .string(eventId))) }
            members.append(("data", data))
        case .finished(let runId, let status):
            members = [("type", .string("finished")), ("runId", .string(runId)), ("status", .string(status))]
        }
        try appendLine(Array((JSONValue.object(members).serialized() + "\n").utf8))
    }

    /// Appends an accepted event whose data is already compact JSON bytes (from the fused reader).
    public func appendAccepted(runId: String, event: String, userId: String, eventId: String?, data: [UInt8]) throws(PlanLoadError) {
        var head: [(String, JSONValue)] = [("type", .string("accepted")), ("runId", .string(runId)), ("event", .string(event)), ("userId", .string(userId))]
        if let eventId { head.append(("eventId", .string(eventId))) }
        var line = JSONValue.object(head).serializedBytes()
        line.removeLast()
        line.append(contentsOf: Array(",\"data\":".utf8))
        line.append(contentsOf: data)
        line.append(contentsOf: [0x7D, 0x0A])
        try appendLine(line)
    }

    private func appendLine(_ line: [UInt8]) throws(PlanLoadError) {
        condition.lock()
        pending.append(contentsOf: line)
        enqueued += 1
        let ticket = enqueued
        while durable < ticket {
            if let failure { condition.unlock(); throw PlanLoadError(message: failure) }
            if !flushing {
                flushing = true
                let batch = pending
                let batchEnd = enqueued
                pending.removeAll(keepingCapacity: true)
                condition.unlock()
                let error = Journal.writeAll(fd, batch)
                condition.lock()
                if let error { failure = "the journal could not be written: \(error)" } else { durable = batchEnd; syncs += 1 }
                flushing = false
                condition.broadcast()
            } else {
                condition.wait()
            }
        }
        condition.unlock()
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            written += count
        }
        return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
    }
}
