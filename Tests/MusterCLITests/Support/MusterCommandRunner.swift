import Foundation
import MusterTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What one run of the `muster` binary did.
struct CommandResult: Sendable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs the real `muster` executable built by `swift build` as a subprocess, with standard input closed (not a
/// terminal) and the caller's `MUSTER_*` variables removed, so each test states the environment it needs.
enum MusterCommandRunner {
    /// Why the binary could not be run.
    enum Failure: Error, CustomStringConvertible {
        case binaryNotFound([String])

        var description: String {
            switch self {
            case .binaryNotFound(let places):
                return
                    "the muster executable is not built (looked in \(places.joined(separator: ", "))); run `swift build` first"
            }
        }
    }

    /// The built executable: next to the test bundle, else `.build/debug/muster` under the package root.
    static func executable(filePath: String = #filePath) throws -> URL {
        var candidates: [URL] = []
        if let testBinary = Bundle.main.executableURL {
            var directory = testBinary.deletingLastPathComponent()
            // On macOS the test binary sits inside `musterPackageTests.xctest/Contents/MacOS`.
            while directory.pathExtension == "xctest" || ["Contents", "MacOS"].contains(directory.lastPathComponent) {
                directory.deleteLastPathComponent()
            }
            candidates.append(directory.appendingPathComponent("muster"))
        }
        let packageRoot = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/muster"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Failure.binaryNotFound(candidates.map(\.path))
        }
        return found
    }

    /// Runs `muster ARGUMENTS` and waits for it (killed after `timeout`).
    /// - Parameters:
    ///   - environment: `MUSTER_*` variables to set for this run.
    ///   - interruptOn: When standard error first contains this text, the command gets SIGINT (as from Ctrl-C).
    static func run(
        _ arguments: [String], environment: [String: String] = [:], interruptOn marker: String? = nil,
        timeout: TimeInterval = 120
    ) async throws -> CommandResult {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let outURL = URL(fileURLWithPath: scratch.path).appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        defer { try? out.close() }
        let errPipe = Pipe()
        let stderr = Mutex(Data())

        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MUSTER_") }
        variables.merge(environment) { _, new in new }
        process.environment = variables
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = errPipe

        let interrupted = Mutex(false)
        errPipe.fileHandleForReading.readabilityHandler = { [process] handle in
            let chunk = handle.availableData
            let text = stderr.withLock { data in
                data.append(chunk)
                return String(decoding: data, as: UTF8.self)
            }
            if let marker, text.contains(marker), !interrupted.withLock({ $0 }) {
                interrupted.withLock { $0 = true }
                kill(process.processIdentifier, SIGINT)
            }
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            // A watchdog, not a wait: a hung command fails its test instead of hanging the suite.
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                if process.isRunning { process.terminate() }
            }
        }
        errPipe.fileHandleForReading.readabilityHandler = nil
        let rest = errPipe.fileHandleForReading.readDataToEndOfFile()
        return CommandResult(
            status: status,
            stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
            stderr: String(decoding: stderr.withLock { $0 + rest }, as: UTF8.self)
        )
    }
}
