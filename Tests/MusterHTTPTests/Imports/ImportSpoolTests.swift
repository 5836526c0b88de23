import Foundation
import MusterHTTP
import Testing

/// The spool directory's sweep: the files of jobs running here stay, those of other (ended, interrupted) jobs and
/// the errors files of earlier versions go, and uploads in progress go only at start.
@Suite struct ImportSpoolTests {
    @Test(arguments: [false, true])
    func sweepKeepsTheFilesOfJobsRunningHere(atStart: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = ImportSpool(directory: directory)
        let running = UUID()
        let ended = UUID()
        let names = [
            "\(running.uuidString.lowercased()).csv", "\(ended.uuidString.lowercased()).csv",
            "\(ended.uuidString.lowercased()).errors.csv", "upload-\(UUID().uuidString.lowercased()).csv", "notes.txt",
        ]
        for name in names {
            #expect(FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data("x".utf8)))
        }
        #expect(spool.path(of: running) == "\(directory)/\(names[0])")

        spool.sweep(keeping: [running], uploads: atStart)

        let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(left == ([names[0], "notes.txt"] + (atStart ? [] : [names[3]])).sorted())
    }
}
