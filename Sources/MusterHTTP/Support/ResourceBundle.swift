import Foundation

/// This target's resources (the console's files, the OpenAPI document), found without `Bundle.module`: SwiftPM's
/// accessor ends the process when the bundle is missing (a binary copied without its `muster_MusterHTTP.resources`
/// directory), which would let the first `GET /` stop the server. Looked up beside the executable (where
/// `swift build` puts it too); `nil` when it is not there, and the routes then answer 404 instead.
enum ResourceBundle {
    /// The bundle directory's name, as SwiftPM names it.
    static let name = "muster_MusterHTTP.resources"

    /// The bundle directory, or `nil`.
    static let url: URL? = {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent(name),
            executable.deletingLastPathComponent().appendingPathComponent(name),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }()
}
