import Foundation

// alloy-bench: the reference workload side by side. Generates N ticket events
// (Benchmarks/reference/gen_events.py), compiles Benchmarks/reference/reference.alloy, runs
// `alloy replay PLAN EVENTS --dry-run --event "Ticket Created" --user bench` and
// `jq -c -f reference.jq` over the same file, checks that both accept the same events and
// produce the same mapped values, and prints events/s, MB/s, the ratio and peak memory.
// Run it with `swift run -c release alloy-bench [--events N] [--runs N]`. Never fails on timing.

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else { return fallback }
    return value
}
let count = option("--events", 1_000_000)
let runs = option("--runs", 5)

let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let reference = repository.appendingPathComponent("Benchmarks/reference")
let alloy = here.appendingPathComponent("alloy").path, alloyc = here.appendingPathComponent("alloyc").path
let work = URL(fileURLWithPath: NSTemporaryDirectory() + "alloy-bench")
try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("alloy-bench: \(message)\n".utf8))
    exit(2)
}

func which(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// Runs a command with stdin and stdout files; returns wall seconds and the exit status.
func run(_ executable: String, _ arguments: [String], stdin: URL? = nil, stdout: URL?) -> (Double, Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = work
    if let stdin { process.standardInput = FileHandle(forReadingAtPath: stdin.path) }
    if let stdout {
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: stdout.path)
    } else {
        process.standardOutput = FileHandle.nullDevice
    }
    process.standardError = FileHandle.nullDevice
    let start = Date()
    do { try process.run() } catch { fail("cannot run \(executable): \(error)") }
    process.waitUntilExit()
    return (Date().timeIntervalSince(start), process.terminationStatus)
}

func peakChildRSS() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
    return usage.ru_maxrss / 1024
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

guard FileManager.default.isExecutableFile(atPath: alloy), FileManager.default.isExecutableFile(atPath: alloyc) else {
    fail("build alloy and alloyc first: swift build -c release")
}
guard let python = which("python3") else { fail("python3 is needed to generate the events") }
let events = work.appendingPathComponent("events-\(count).ndjson")
if !FileManager.default.fileExists(atPath: events.path) {
    print("generating \(count) events…")
    _ = run(python, [reference.appendingPathComponent("gen_events.py").path, "\(count)", events.path], stdout: nil)
}
let bytes = Double((try? FileManager.default.attributesOfItem(atPath: events.path)[.size] as? Int) ?? 0)
let plan = work.appendingPathComponent("reference.plan.json")
guard run(alloyc, ["compile", reference.appendingPathComponent("reference.alloy").path, "-o", plan.path], stdout: nil).1 == 0 else { fail("reference.alloy does not compile") }

let alloyOut = work.appendingPathComponent("alloy.out"), jqOut = work.appendingPathComponent("jq.out")
var alloyTimes: [Double] = []
for _ in 0..<runs {
    alloyTimes.append(run(alloy, ["replay", plan.path, events.path, "--dry-run", "--event", "Ticket Created", "--user", "bench"], stdout: alloyOut).0)
}
let alloyRSS = peakChildRSS()
var jqTimes: [Double] = []
let jq = which("jq")
if let jq {
    for _ in 0..<runs {
        jqTimes.append(run(jq, ["-c", "-f", reference.appendingPathComponent("reference.jq").path], stdin: events, stdout: jqOut).0)
    }
}
let jqRSS = peakChildRSS()

// Same accepted events, same mapped values: line by line, `input` against jq's object.
var agree = true
var compared = 0
if jq != nil, let ours = FileManager.default.contents(atPath: alloyOut.path), let theirs = FileManager.default.contents(atPath: jqOut.path) {
    let a = ours.split(separator: 0x0A), b = theirs.split(separator: 0x0A)
    if a.count != b.count {
        agree = false
        print("MISMATCH: alloy accepted \(a.count) events, jq \(b.count)")
    } else {
        let marker = Data("\"input\":".utf8)
        for (left, right) in zip(a, b) {
            compared += 1
            guard let range = left.range(of: marker) else { agree = false; break }
            let input = left[range.upperBound..<(left.endIndex - 1)]
            if input == right { continue }
            // Bytes may differ in escaping only: compare as JSON values.
            let x = try? JSONSerialization.jsonObject(with: Data(input)) as? NSDictionary
            let y = try? JSONSerialization.jsonObject(with: Data(right)) as? NSDictionary
            if x == nil || x != y {
                agree = false
                print("MISMATCH on event \(compared):\n  alloy: \(String(decoding: input, as: UTF8.self))\n  jq:    \(String(decoding: right, as: UTF8.self))")
                break
            }
        }
    }
}

let mb = bytes / 1_000_000
let alloyMedian = median(alloyTimes)
print(String(format: "events: %d (%.0f MB); runs: %d; medians of whole-process wall time", count, mb, runs))
print(String(format: "alloy replay --dry-run: %.3f s, %.0f events/s, %.0f MB/s, peak RSS %d MB", alloyMedian, Double(count) / alloyMedian, mb / alloyMedian, alloyRSS))
if !jqTimes.isEmpty {
    let jqMedian = median(jqTimes)
    print(String(format: "jq -c -f reference.jq:  %.3f s, %.0f events/s, %.0f MB/s, peak RSS %d MB (max of all runs so far)", jqMedian, Double(count) / jqMedian, mb / jqMedian, jqRSS))
    print(String(format: "ratio: alloy is %.1f× jq", jqMedian / alloyMedian))
    print(agree ? "outputs agree: the same \(compared) events accepted with the same mapped values" : "OUTPUTS DISAGREE")
} else {
    print("jq not found: no comparison (apt-get install jq)")
}
