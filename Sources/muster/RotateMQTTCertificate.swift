import ArgumentParser
import Foundation
import MusterPKI

/// `muster rotate-mqtt-certificate`: a new key and server certificate for the MQTT/TLS listener, signed by the
/// self-signed certificate made on first start, which clients keep as their CA file; a running server serves it to
/// new connections within seconds.
struct RotateMQTTCertificate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-mqtt-certificate",
        abstract: "Give the MQTT/TLS listener a new key and certificate; clients keep their CA file.",
        discussion: """
            Works on the generated pair in <data-dir>/tls: mqtt-server.pem (which clients use as their CA file) \
            signs a new certificate (mqtt-leaf.pem, with mqtt-leaf.key), valid --days days. A running server serves \
            it to new connections within seconds; open connections keep theirs. Neither clients nor the server \
            restart. With your own --tls-cert/--tls-key, renew those files instead (rename the new ones into place): \
            the server picks them up the same way.
            """
    )

    @Option(name: .customLong("data-dir"), help: "Data directory (default ./muster-data, or MUSTER_DATA_DIR).")
    var dataDir: String?

    @Option(help: "Days the new certificate is valid.")
    var days: Int = 825

    @Option(name: .customLong("host-name"), help: "A DNS name or IP address for the certificate (repeatable; default localhost, 127.0.0.1, ::1).")
    var hostNames: [String] = []

    func validate() throws {
        guard (1...3650).contains(days) else { throw ValidationError("--days must be 1 to 3650") }
    }

    func run() throws {
        let data = dataDir ?? ProcessInfo.processInfo.environment["MUSTER_DATA_DIR"] ?? "./muster-data"
        let directory = (data as NSString).appendingPathComponent("tls")
        let rotation = try ServerCertificateFiles.rotate(
            in: directory, hostNames: hostNames.isEmpty ? ServerCertificateFiles.defaultHostNames : hostNames, days: days)
        let until = ISO8601DateFormatter().string(from: rotation.notValidAfter)
        say("muster: new MQTT/TLS certificate \(rotation.files.certificatePath) (serial \(rotation.serialNumber), valid until \(until)), signed by \(directory)/mqtt-server.pem, which clients keep as their CA file; a running server serves it within seconds")
    }
}
