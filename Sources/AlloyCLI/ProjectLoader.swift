import AlloyCLICore
import AlloyCore
import AlloyCompiler
import Foundation

/// Finds and reads the `.alloy` files a command is given.
enum ProjectLoader {
    /// Files larger than this are refused rather than read.
    static let maxFileSize = 64 * 1024 * 1024

    /// Reads every file named by `paths`: files as given, directories searched recursively
    /// for `.alloy` files (skipping hidden folders and `.build`), none meaning the current
    /// directory, and `-` meaning standard input.
    static func load(_ paths: [String], io: CommandIO) throws -> [SourceFile] {
        let manager = FileManager.default
        var files: [SourceFile] = []
        var seen = Set<String>()
        let targets = paths.isEmpty ? ["."] : paths
        if targets.filter({ $0 == "-" }).count > 1 { throw UsageError("'-' (standard input) can be given only once") }
        for target in targets {
            if target == "-" {
                let bytes = try io.readStandardInput()
                guard bytes.count <= maxFileSize else { throw UsageError("standard input is larger than \(maxFileSize / 1024 / 1024) MB") }
                files.append(SourceFile(path: "<stdin>", bytes: bytes))
                continue
            }
            let absolute = target.hasPrefix("/") ? target : io.currentDirectory + "/" + target
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
                throw UsageError("no such file or directory: \(target)")
            }
            if isDirectory.boolValue {
                let found = try alloyFiles(in: absolute)
                if found.isEmpty && !paths.isEmpty { throw UsageError("no .alloy files in \(target)") }
                if found.isEmpty { throw UsageError("no .alloy files in the current directory", hint: "name the files or folders to check, as in 'alloyc check Fixtures/examples/tickets'") }
                for relative in found {
                    let display = target == "." ? relative : (target.hasSuffix("/") ? target + relative : target + "/" + relative)
                    let full = absolute + "/" + relative
                    let key = URL(fileURLWithPath: full).standardizedFileURL.path
                    guard seen.insert(key).inserted else { continue }
                    files.append(try read(full, display: display))
                }
            } else {
                let key = URL(fileURLWithPath: absolute).standardizedFileURL.path
                guard seen.insert(key).inserted else { continue }
                files.append(try read(absolute, display: target))
            }
        }
        return files
    }

    private static func read(_ path: String, display: String) throws -> SourceFile {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw UsageError("cannot read \(display): permission denied or not a regular file")
        }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxFileSize else { throw UsageError("\(display) is larger than \(maxFileSize / 1024 / 1024) MB") }
        do {
            let data = try handle.readToEnd() ?? Data()
            return SourceFile(path: display, bytes: Array(data))
        } catch {
            throw UsageError("cannot read \(display): \(error.localizedDescription)")
        }
    }

    /// `.alloy` files under a directory, as sorted relative paths.
    private static func alloyFiles(in directory: String) throws -> [String] {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: directory) else {
            throw UsageError("cannot read the directory \(directory)")
        }
        var result: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            if relative.hasSuffix(".alloy") {
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                    result.append(relative)
                }
            }
        }
        return result.sorted()
    }
}
